using System.CommandLine;
using ClipGrains.Inference.Model;
using ClipGrains.Inference.Quantization;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains quantize DIR</c>: writes <c>onnx/vision_model_quantized.onnx</c> and <c>onnx/text_model_quantized.onnx</c>
/// beside the fp32 graphs (per-channel int8 weights for MatMul/Gemm, dynamic activation quantization), selectable
/// with <c>--variant quantized</c> / <c>ClipGrains:Model:Variant=quantized</c>. Accuracy must be checked on real
/// weights with <c>clipgrains eval</c> before serving the result.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("model") { Description = "Model folder in Hugging Face layout holding the fp32 onnx/*_model.onnx graphs" };
        var variant = new Option<string>("--variant-name") { Description = "Suffix of the files written", DefaultValueFactory = _ => "quantized" };
        var command = new Command("quantize", "Write int8 variants of the fp32 vision and text graphs (no Python needed)") { folder, variant };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(folder)!;
            var name = parse.GetValue(variant)!;
            if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\', '.']) >= 0)
            {
                throw new CliUsageException("--variant-name must be a plain suffix such as 'quantized'.");
            }

            var reports = new List<object>();
            foreach (var (tower, source, target) in new[]
            {
                ("vision", ModelBundle.VisionModelFile(string.Empty), ModelBundle.VisionModelFile(name)),
                ("text", ModelBundle.TextModelFile(string.Empty), ModelBundle.TextModelFile(name)),
            })
            {
                var sourcePath = Path.Combine(directory, source);
                if (!File.Exists(sourcePath))
                {
                    throw new FileNotFoundException($"{sourcePath} not found: quantize needs the fp32 graphs of a model folder.", sourcePath);
                }

                await context.Error.WriteLineAsync($"quantizing {source} …");
                cancellationToken.ThrowIfCancellationRequested();
                var report = await Task.Run(() => Int8Quantizer.Quantize(sourcePath, Path.Combine(directory, target)), cancellationToken);
                await context.Error.WriteLineAsync($"  {report.MatMulsQuantized} MatMul/Gemm to int8, {report.MatMulsKept} kept fp32, {report.BytesBefore / 1e6:F1} MB → {report.BytesAfter / 1e6:F1} MB");
                reports.Add(new
                {
                    tower,
                    output = target,
                    matmuls_quantized = report.MatMulsQuantized,
                    matmuls_kept = report.MatMulsKept,
                    bytes_before = report.BytesBefore,
                    bytes_after = report.BytesAfter,
                });
            }

            await JsonOutput.WriteAsync(context.Out, new { variant = name, graphs = reports });
        });
        return command;
    }
}
