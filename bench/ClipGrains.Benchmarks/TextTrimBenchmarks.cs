using BenchmarkDotNet.Attributes;
using ClipGrains.Inference;
using ClipGrains.Inference.Model;

namespace ClipGrains.Benchmarks;

/// <summary>
/// Text tower on a batch of typical prompts ("a photo of a {label}."), trimmed to the batch's longest prompt versus
/// padded to 77. Needs a model folder: set CLIPGRAINS_BENCH_MODEL (the full-size graphs; see docs/benchmarks.md).
/// </summary>
public class TextTrimBenchmarks
{
    private static readonly string[] Labels = ["cat", "dog", "golden retriever", "tabby cat", "space shuttle", "cup of coffee", "red fox", "tree frog"];
    private ClipModel _model = null!;
    private string[] _prompts = [];

    [GlobalSetup]
    public void Setup()
    {
        var folder = Environment.GetEnvironmentVariable("CLIPGRAINS_BENCH_MODEL")
            ?? throw new InvalidOperationException("Set CLIPGRAINS_BENCH_MODEL to a model folder.");
        _model = ClipModel.Load(ModelBundle.Open(folder));
        _prompts = Labels.Select(l => $"a photo of a {l}.").ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark(Baseline = true, Description = "padded to 77")]
    public float[][] Padded() => _model.EncodeTextsRaw(_prompts, trim: false);

    [Benchmark(Description = "trimmed to longest")]
    public float[][] Trimmed() => _model.EncodeTextsRaw(_prompts, trim: true);
}
