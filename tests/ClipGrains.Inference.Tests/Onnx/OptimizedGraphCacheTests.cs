using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Inference.Tests.Onnx;

/// <summary>The optimised-graph cache: written by a model's first load, read by the next, same outputs as no cache.</summary>
public sealed class OptimizedGraphCacheTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "optimized-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [SkippableFact]
    public void The_second_load_reads_the_graphs_the_first_optimised_and_answers_the_same_as_without_the_cache()
    {
        var bundle = ModelBundle.Open(GoldenData.TinyClip);
        var texts = GoldenData.Json("model_outputs.json").GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToList();
        var pixels = GoldenData.Pixels("horse.png");

        using var plain = ClipModel.Load(bundle, new ClipModelOptions { IntraOpThreads = 1 });
        using var first = ClipModel.Load(bundle, new ClipModelOptions { IntraOpThreads = 1, OptimizedGraphCache = _cache });
        using var second = ClipModel.Load(bundle, new ClipModelOptions { IntraOpThreads = 1, OptimizedGraphCache = _cache });

        Assert.Equal((false, false, false, false), (plain.VisionLoad.FromCache, plain.TextLoad.FromCache, first.VisionLoad.FromCache, first.TextLoad.FromCache));
        Assert.Equal((true, true), (second.VisionLoad.FromCache, second.TextLoad.FromCache));
        Assert.Equal(2, Directory.GetFiles(_cache, "*.onnx").Length);
        Assert.Empty(Directory.GetFiles(_cache, "*.tmp"));
        foreach (var model in new[] { first, second })
        {
            var (_, imageMax) = Differences.MeanMax(plain.EncodePixelsRaw(pixels, 1)[0], model.EncodePixelsRaw(pixels, 1)[0]);
            Assert.True(imageMax < 1e-6, $"image max |Δ| {imageMax}");
            var expected = plain.EncodeTextsRaw(texts, trim: true);
            var actual = model.EncodeTextsRaw(texts, trim: true);
            for (var i = 0; i < texts.Count; i++)
            {
                var (_, textMax) = Differences.MeanMax(expected[i], actual[i]);
                Assert.True(textMax < 1e-6, $"text {i} max |Δ| {textMax}");
            }
        }
    }

    [SkippableFact]
    public void Warming_up_runs_both_towers_once()
    {
        using var model = ClipModel.Load(ModelBundle.Open(GoldenData.TinyClip), new ClipModelOptions { IntraOpThreads = 1 });

        model.WarmUp();

        Assert.Equal(32, model.EncodeTexts(["a cat"])[0].Length);
    }
}
