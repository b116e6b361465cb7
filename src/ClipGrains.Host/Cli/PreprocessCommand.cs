using System.CommandLine;
using ClipGrains.Inference.Imaging;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains preprocess --model M IMAGE --output FILE</c>: <c>.f32</c> writes the model input tensor
/// (float32 little-endian, CHW), <c>.png</c> the 8-bit crop the model sees.
/// </summary>
internal static class PreprocessCommand
{
    public static Command Create(CliContext context)
    {
        var model = new ModelOptions();
        var image = new Argument<string>("image") { Description = "Image file (JPEG, PNG, WebP, GIF, BMP)" };
        var output = new Option<string>("--output", "-o") { Description = "Output file: .f32 (tensor) or .png (crop)", Required = true };
        var command = new Command("preprocess", "Write the tensor (.f32) or the crop (.png) that the vision tower receives") { image, output };
        model.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(output)!;
            var extension = Path.GetExtension(target).ToLowerInvariant();
            if (extension is not (".f32" or ".png"))
            {
                throw new CliUsageException($"--output must end in .f32 (tensor) or .png (image), not \"{extension}\".");
            }

            var bundle = await new ModelResolver(context, model).BundleAsync(parse, cancellationToken);
            var preprocessor = new ClipImagePreprocessor(bundle.Preprocessor);
            var decoded = ImageDecoder.Decode(await ImageFile.ReadAsync(parse.GetValue(image)!, cancellationToken));
            var crop = preprocessor.ResizeAndCrop(decoded);
            if (extension == ".f32")
            {
                var tensor = new float[preprocessor.TensorLength];
                preprocessor.Normalize(crop, tensor);
                await File.WriteAllBytesAsync(target, ToLittleEndian(tensor), cancellationToken);
            }
            else
            {
                await File.WriteAllBytesAsync(target, PngEncoder.Encode(crop), cancellationToken);
            }

            await JsonOutput.WriteAsync(context.Out, new { output = target, shape = new[] { 3, crop.Height, crop.Width } });
        });
        return command;
    }

    private static byte[] ToLittleEndian(float[] tensor)
    {
        var bytes = new byte[tensor.Length * sizeof(float)];
        for (var i = 0; i < tensor.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), tensor[i]);
        }

        return bytes;
    }
}
