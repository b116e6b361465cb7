using ClipGrains.Inference.Quantization;
using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>
/// Three model folders for one server: the golden tiny CLIP (32-d), its int8 variant, and a synthetic CLIP-shaped
/// model with another embedding size (8-d).
/// </summary>
public sealed class ThreeModels : IDisposable
{
    private readonly string _quantized = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "tiny-int8-" + Guid.NewGuid().ToString("N"));
    private readonly SyntheticClip _synthetic = SyntheticClip.Create();

    public ThreeModels()
    {
        if (!GoldenData.IsAvailable)
        {
            return;
        }

        foreach (var file in Directory.GetFiles(GoldenData.TinyClip, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_quantized, Path.GetRelativePath(GoldenData.TinyClip, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        foreach (var graph in new[] { "vision_model", "text_model" })
        {
            Int8Quantizer.Quantize(Path.Combine(_quantized, "onnx", graph + ".onnx"), Path.Combine(_quantized, "onnx", graph + "_quantized.onnx"));
        }
    }

    public string[] Settings =>
    [
        "--ClipGrains:Models:Default=tiny",
        "--ClipGrains:Models:Deployments:0:Id=tiny",
        "--ClipGrains:Models:Deployments:0:Aliases:0=golden/tiny-clip",
        $"--ClipGrains:Models:Deployments:0:Path={GoldenData.TinyClip}",
        "--ClipGrains:Models:Deployments:0:IntraOpThreads=1",
        "--ClipGrains:Models:Deployments:1:Id=tiny-int8",
        $"--ClipGrains:Models:Deployments:1:Path={_quantized}",
        "--ClipGrains:Models:Deployments:1:Variant=quantized",
        "--ClipGrains:Models:Deployments:1:IntraOpThreads=1",
        "--ClipGrains:Models:Deployments:1:Pricing:CreditsPerPrompt=3",
        "--ClipGrains:Models:Deployments:2:Id=synthetic",
        $"--ClipGrains:Models:Deployments:2:Path={_synthetic.Directory}",
        "--ClipGrains:Models:Deployments:2:IntraOpThreads=1",
        "--ClipGrains:Models:Deployments:2:Pricing:CreditsPerImage=1",
    ];

    public void Dispose()
    {
        _synthetic.Dispose();
        if (Directory.Exists(_quantized))
        {
            Directory.Delete(_quantized, recursive: true);
        }
    }
}

/// <summary>Destructive: one server, three deployments, nothing loaded until asked.</summary>
[Trait("Category", "api")]
public sealed class MultiModelServerTests(ThreeModels models) : IClassFixture<ThreeModels>, IAsyncLifetime
{
    private RunningServer? _server;

    private RunningServer Server
    {
        get
        {
            _ = GoldenData.Root;
            return _server!;
        }
    }

    public async Task InitializeAsync()
    {
        if (GoldenData.IsAvailable)
        {
            _server = await RunningServer.StartAsync(GoldenData.TinyClip, null, models.Settings);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Models_are_listed_with_their_copies_and_load_on_their_first_request()
    {
        async Task<(int Loaded, int Loading)[]> CopiesAsync()
        {
            var (_, json) = await ReadAsync(await Server.Http.GetAsync("/v1/models"));
            Assert.Equal(["tiny", "tiny-int8", "synthetic"], json.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
            return [.. json.GetProperty("data").EnumerateArray().Select(m => (m.GetProperty("copies_loaded").GetInt32(), m.GetProperty("copies_loading").GetInt32()))];
        }

        Assert.Equal([(0, 0), (0, 0), (0, 0)], await CopiesAsync());
        Assert.Equal(200, (await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { model = "synthetic", input = "a cat" })))).Status);
        Assert.Equal([(0, 0), (0, 0), (1, 0)], await CopiesAsync());
        var (ready, health) = await ReadAsync(await Server.Http.GetAsync("/health/ready"));
        Assert.Equal((200, 1), (ready, health.GetProperty("models_loaded").GetInt32()));
    }

    [SkippableFact]
    public async Task Usage_is_broken_down_by_model_at_each_models_price()
    {
        async Task<long> ChargedAsync(object body)
        {
            var (status, json) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(body)));
            Assert.True(status == 200, json.ToString());
            return json.GetProperty("usage").GetProperty("credits").GetInt64();
        }

        // Default prices: 10 an image, 1 a prompt; tiny-int8 charges 3 a prompt, synthetic 1 an image.
        Assert.Equal(2, await ChargedAsync(new { input = new[] { "a cat", "a dog" } }));
        Assert.Equal(3, await ChargedAsync(new { model = "tiny-int8", input = "a cat" }));
        Assert.Equal(1, await ChargedAsync(new { model = "synthetic", input = DataUri(GoldenData.Image("horse.png")), modality = "image" }));
        Assert.Equal(10, await ChargedAsync(new { model = "golden/tiny-clip", input = DataUri(GoldenData.Image("horse.png")), modality = "image" }));

        static object[] Shares(System.Text.Json.JsonElement models) => [.. models.EnumerateArray().Select(m => (
            m.GetProperty("model").GetString(), m.GetProperty("requests").GetInt64(), m.GetProperty("images").GetInt64(),
            m.GetProperty("texts").GetInt64(), m.GetProperty("credits").GetInt64()))];
        var (_, usage) = await ReadAsync(await Server.Http.GetAsync("/v1/usage"));
        object[] expected = [("synthetic", 1L, 1L, 0L, 1L), ("tiny", 2L, 1L, 2L, 12L), ("tiny-int8", 1L, 0L, 1L, 3L)];
        Assert.Equal(expected, Shares(usage.GetProperty("totals").GetProperty("models")));
        Assert.Equal(expected, Shares(usage.GetProperty("days").EnumerateArray().Single().GetProperty("models")));
        Assert.Equal(16, usage.GetProperty("totals").GetProperty("credits").GetInt64());
    }

    [SkippableFact]
    public async Task Each_request_gets_its_models_vectors()
    {
        async Task<float[]> EmbedAsync(string? model, object input, string modality = "text")
        {
            var (status, json) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { model, input, modality })));
            Assert.True(status == 200, json.ToString());
            Assert.Equal(model is null || model.StartsWith("golden", StringComparison.Ordinal) ? "tiny" : model, json.GetProperty("model").GetString());
            return Floats(json.GetProperty("data")[0].GetProperty("embedding"));
        }

        var image = DataUri(GoldenData.Image("horse.png"));
        var reference = Floats(GoldenData.Json("model_outputs.json").GetProperty("images").EnumerateArray()
            .Single(i => i.GetProperty("image").GetString() == "horse.png").GetProperty("image_embeds"));

        var tiny = await EmbedAsync(null, image, "image");
        var byAlias = await EmbedAsync("golden%2Ftiny-clip", image, "image");
        var int8 = await EmbedAsync("tiny-int8", image, "image");
        var synthetic = await EmbedAsync("synthetic", image, "image");

        var cosine = Differences.Cosine(reference, tiny);
        Assert.True(cosine >= 0.99999, $"tiny-clip cosine {cosine}");
        Assert.Equal(tiny, byAlias);
        Assert.Equal(32, int8.Length);
        Assert.NotEqual(tiny, int8);
        Assert.Equal(8, synthetic.Length);
        Assert.Equal(8, (await EmbedAsync("synthetic", "a photo of a horse")).Length);
    }

    [SkippableFact]
    public async Task Dimensions_prices_and_classification_follow_the_requested_model()
    {
        var image = DataUri(GoldenData.Image("horse.png"));

        var (ok, _) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { model = "synthetic", input = "x", dimensions = 8 })));
        var wrong = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { model = "synthetic", input = "x", dimensions = 32 })));
        var (_, cheap) = await ReadAsync(await Server.Http.PostAsync("/v1/classifications", Body(new { model = "synthetic", input = new[] { image }, labels = new[] { "horse", "cat" } })));
        var (_, dear) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { model = "tiny-int8", input = new[] { "a", "b" } })));

        Assert.Equal(200, ok);
        AssertError(400, "unsupported_parameter", wrong, "dimensions");
        Assert.Contains("must be 8 (synthetic's embedding size)", wrong.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("synthetic", cheap.GetProperty("model").GetString());
        Assert.Equal(2, cheap.GetProperty("data")[0].GetProperty("labels").GetArrayLength());
        Assert.Equal(1 * 1 + (2 * 1), cheap.GetProperty("usage").GetProperty("credits").GetInt64());
        Assert.Equal(2 * 3, dear.GetProperty("usage").GetProperty("credits").GetInt64());
    }

    [SkippableFact]
    public async Task An_unknown_model_is_a_404_listing_every_deployment()
    {
        var (status, json) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { model = "clip-vit-large-patch14", input = "x" })));

        AssertError(404, "model_not_found", (status, json), "model");
        Assert.Equal(
            "The model 'clip-vit-large-patch14' does not exist; this server serves 'tiny' (alias 'golden/tiny-clip'), 'tiny-int8', 'synthetic'.",
            json.GetProperty("error").GetProperty("message").GetString());
    }

    [SkippableFact]
    public async Task A_label_set_belongs_to_a_model_and_moves_to_another_only_by_a_replace_that_names_it()
    {
        var image = DataUri(GoldenData.Image("horse.png"));
        async Task<(int Status, System.Text.Json.JsonElement Json)> ClassifyAsync(string? model) =>
            await ReadAsync(await Server.Http.PostAsync("/v1/classifications", Body(new { model, input = new[] { image }, label_set = "animals" })));

        var (created, set) = await ReadAsync(await Server.Http.PostAsync("/v1/label-sets?wait=true", Body(new { name = "animals", model = "synthetic", labels = new[] { "horse", "cat" } })));
        var (plain, onItsModel) = await ClassifyAsync(null);
        var mismatch = await ClassifyAsync("tiny");
        var (moved, movedSet) = await ReadAsync(await Server.Http.PutAsync("/v1/label-sets/animals?wait=true", Body(new { model = "tiny", labels = new[] { "horse", "cat" } })));
        var (_, afterMove) = await ClassifyAsync(null);
        var (_, kept) = await ReadAsync(await Server.Http.PutAsync("/v1/label-sets/animals?wait=true", Body(new { labels = new[] { "horse", "cat", "dog" } })));

        Assert.Equal((201, "synthetic"), (created, set.GetProperty("model").GetString()));
        Assert.Equal((200, "synthetic"), (plain, onItsModel.GetProperty("model").GetString()));
        AssertError(400, "label_set_model_mismatch", mismatch, "model");
        Assert.Contains("'synthetic'", mismatch.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("'tiny'", mismatch.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((200, 2, "tiny"), (moved, movedSet.GetProperty("version").GetInt32(), movedSet.GetProperty("model").GetString()));
        Assert.Equal("tiny", afterMove.GetProperty("model").GetString());
        Assert.Equal((3, "tiny"), (kept.GetProperty("version").GetInt32(), kept.GetProperty("model").GetString()));
    }
}
