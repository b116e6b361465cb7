using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Inference.Tests.Onnx;

/// <summary>The optimised-graph cache: written by a preparation (never by a load), read by later loads, same outputs as no cache.</summary>
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
    public void A_load_never_writes_the_cache_a_preparation_does_once_and_later_loads_read_it_answering_the_same_as_without_it()
    {
        var bundle = ModelBundle.Open(GoldenData.TinyClip);
        var texts = GoldenData.Json("model_outputs.json").GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToList();
        var pixels = GoldenData.Pixels("horse.png");
        var options = new ClipModelOptions { IntraOpThreads = 1, OptimizedGraphCache = _cache };

        using var plain = ClipModel.Load(bundle, new ClipModelOptions { IntraOpThreads = 1 });
        using var first = ClipModel.Load(bundle, options);
        var filesAfterLoad = Directory.Exists(_cache) ? Directory.GetFiles(_cache).Length : 0;
        var preparedBefore = ClipModel.GraphsPrepared(bundle, options);
        var written = ClipModel.PrepareGraphs(bundle, options).Select(w => w.Graph).ToList();
        var again = ClipModel.PrepareGraphs(bundle, options);
        using var second = ClipModel.Load(bundle, options);

        Assert.Equal((false, false, false, false), (plain.VisionLoad.FromCache, plain.TextLoad.FromCache, first.VisionLoad.FromCache, first.TextLoad.FromCache));
        Assert.Equal((0, false), (filesAfterLoad, preparedBefore));
        Assert.Equal(["vision_model.onnx", "text_model.onnx"], written);
        Assert.Empty(again);
        Assert.True(ClipModel.GraphsPrepared(bundle, options));
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
