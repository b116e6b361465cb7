using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Host.Tests.Cli;

public sealed class QuantizeCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "quantize-cli-" + Guid.NewGuid().ToString("N"));

    [SkippableFact]
    public async Task Quantize_writes_the_variant_that_embed_then_serves()
    {
        foreach (var file in Directory.GetFiles(GoldenData.TinyClip, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_folder, Path.GetRelativePath(GoldenData.TinyClip, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var run = await CliRun.InvokeAsync("quantize", _folder);
        var json = run.Json();

        Assert.Equal("quantized", json.GetProperty("variant").GetString());
        var graphs = json.GetProperty("graphs").EnumerateArray().ToArray();
        Assert.Equal(["onnx/vision_model_quantized.onnx", "onnx/text_model_quantized.onnx"], graphs.Select(g => g.GetProperty("output").GetString()));
        Assert.All(graphs, g => Assert.True(g.GetProperty("matmuls_quantized").GetInt32() > 0));
        Assert.All(graphs, g => Assert.Equal(new FileInfo(Path.Combine(_folder, g.GetProperty("output").GetString()!)).Length, g.GetProperty("bytes_after").GetInt64()));
        Assert.Contains("MatMul/Gemm to int8", run.Error, StringComparison.Ordinal);

        var embedding = (await CliRun.InvokeAsync("embed", "--model", _folder, "--variant", "quantized", "--image", GoldenData.Image("chelsea.png"))).Json();
        var vector = embedding.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 5);
    }

    [Fact]
    public async Task A_folder_without_fp32_graphs_is_one_line_and_exit_1()
    {
        Directory.CreateDirectory(_folder);

        var run = await CliRun.InvokeAsync("quantize", _folder);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("quantize needs the fp32 graphs of a model folder", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_variant_name_with_a_path_in_it_is_a_usage_error()
    {
        var run = await CliRun.InvokeAsync("quantize", _folder, "--variant-name", "../evil");

        Assert.Equal(2, run.ExitCode);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
