using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Model;

namespace ClipGrains.Fuzz;

/// <summary>
/// Decode + CLIP preprocessing of arbitrary bytes. The contract under fuzzing: any input either becomes a tensor
/// or raises <see cref="ImageDecodeException"/> (which the API maps to 4xx); any other exception, a crash or a hang
/// is a bug. Limits are smaller than the server's so each iteration stays fast.
/// </summary>
public static class DecodePreprocessTarget
{
    private static readonly ImageLimits Limits = new(MaxPixels: 4_000_000, MaxSide: 4096);

    private static readonly ClipImagePreprocessor Preprocessor = new(new PreprocessorSettings(
        224, 224, 224, true, true, true, 1 / 255.0, true, [0.48145466f, 0.4578275f, 0.40821073f], [0.26862954f, 0.26130258f, 0.27577711f]));

    /// <summary>Runs one input; returns whether it decoded.</summary>
    public static bool Run(ReadOnlySpan<byte> input)
    {
        RgbImage image;
        try
        {
            image = ImageDecoder.Decode(input, Limits);
        }
        catch (ImageDecodeException)
        {
            return false;
        }

        var tensor = new float[Preprocessor.TensorLength];
        Preprocessor.Process(image, tensor);
        foreach (var value in tensor)
        {
            if (!float.IsFinite(value))
            {
                throw new InvalidOperationException("Preprocessing produced a non-finite value.");
            }
        }

        return true;
    }
}
