using ClipGrains.Inference.Hub;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Host.Tests.Cli;

public sealed class CliTests(SyntheticClipFixture fixture) : IClassFixture<SyntheticClipFixture>
{
    private string Model => fixture.Files.Directory;

    [Fact]
    public async Task Tokenize_prints_77_ids_and_mask()
    {
        var json = (await CliRun.InvokeAsync("tokenize", "--model", Model, "a photo of a cat")).Json();

        Assert.Equal(77, json.GetProperty("input_ids").GetArrayLength());
        Assert.Equal(fixture.Model.Tokenizer.Encode("a photo of a cat").InputIds, json.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(7, json.GetProperty("attention_mask").EnumerateArray().Sum(e => e.GetInt32()));
    }

    [Fact]
    public async Task Embed_text_prints_the_unit_embedding()
    {
        var json = (await CliRun.InvokeAsync("embed", "--model", Model, "--text", "a photo of a dog")).Json();

        var embedding = json.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(fixture.Model.EncodeTexts(["a photo of a dog"])[0], embedding);
    }

    [Fact]
    public async Task Embed_image_prints_the_unit_embedding()
    {
        var path = WriteImage();

        var json = (await CliRun.InvokeAsync("embed", "--model", Model, "--image", path)).Json();

        var embedding = json.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(fixture.Model.EncodeImages([File.ReadAllBytes(path)])[0], embedding);
    }

    [Fact]
    public async Task Classify_prints_sorted_labels_with_scores_and_cosines()
    {
        var json = (await CliRun.InvokeAsync("classify", "--model", Model, "--image", WriteImage(), "--labels", "cat, dog ,bird", "--top-k", "2")).Json();

        var labels = json.GetProperty("labels").EnumerateArray().ToList();
        Assert.Equal(2, labels.Count);
        Assert.True(labels[0].GetProperty("score").GetDouble() >= labels[1].GetProperty("score").GetDouble());
        Assert.All(labels, l => Assert.Contains(l.GetProperty("label").GetString(), new[] { "cat", "dog", "bird" }));
        Assert.All(labels, l => Assert.InRange(l.GetProperty("cosine").GetDouble(), -1, 1));
    }

    [Fact]
    public async Task Preprocess_png_writes_the_crop()
    {
        var output = Path.Combine(fixture.Files.Directory, "crop.png");

        await CliRun.InvokeAsync("preprocess", "--model", Model, WriteImage(), "--output", output);

        var crop = Inference.Imaging.ImageDecoder.Decode(File.ReadAllBytes(output));
        Assert.Equal((SyntheticClip.ImageSize, SyntheticClip.ImageSize), (crop.Width, crop.Height));
    }

    [Theory]
    [InlineData(2, "error: Give exactly one of --image or --text.", "embed", "--model", "{model}")]
    [InlineData(2, "error: --output must end in .f32 (tensor) or .png (image), not \".jpg\".", "preprocess", "--model", "{model}", "{image}", "--output", "x.jpg")]
    [InlineData(1, "error: /missing.png: image file not found.", "embed", "--model", "{model}", "--image", "/missing.png")]
    [InlineData(1, "error: /no/such/folder: not a model folder, and not a hub repository id of the form owner/name.", "tokenize", "--model", "/no/such/folder", "x")]
    [InlineData(2, "error: --template \"a photo\" has no {} placeholder for the label.", "classify", "--model", "{model}", "--image", "{image}", "--labels", "a", "--template", "a photo")]
    [InlineData(2, "error: --labels needs at least one non-empty label, e.g. --labels \"cat,dog\".", "classify", "--model", "{model}", "--image", "{image}", "--labels", " , ")]
    [InlineData(2, "error: --labels has a label twice; each label must be distinct.", "classify", "--model", "{model}", "--image", "{image}", "--labels", "cat,cat")]
    [InlineData(2, "error: Option '--model' is required. (see 'clipgrains --help')", "tokenize", "x")]
    public async Task Bad_input_is_one_line_on_stderr_and_a_nonzero_exit(int code, string message, params string[] args)
    {
        var image = WriteImage();
        var run = await CliRun.InvokeAsync(args.Select(a => a.Replace("{model}", Model, StringComparison.Ordinal).Replace("{image}", image, StringComparison.Ordinal)).ToArray());

        Assert.Equal(code, run.ExitCode);
        Assert.Equal(message + Environment.NewLine, run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Unreadable_image_is_a_bad_input()
    {
        var path = Path.Combine(fixture.Files.Directory, "fake.png");
        await File.WriteAllTextAsync(path, "<svg xmlns='http://www.w3.org/2000/svg'/>");

        var run = await CliRun.InvokeAsync("embed", "--model", Model, "--image", path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: The bytes are not a JPEG, PNG, WebP, GIF or BMP image; send one of those formats." + Environment.NewLine, run.Error);
    }

    [Fact]
    public async Task Hub_id_is_downloaded_into_the_cache_and_used()
    {
        await using var hub = await LoopbackHub.StartAsync("someone/tiny-clip", Model);
        var cache = Path.Combine(fixture.Files.Directory, "cache");

        var run = await CliRun.InvokeAsync(
            new HubOptions { Endpoint = hub.BaseAddress.ToString(), RetryDelay = TimeSpan.Zero }, null,
            "tokenize", "--model", "someone/tiny-clip", "--cache-dir", cache, "a cat");

        Assert.Equal(fixture.Model.Tokenizer.Encode("a cat").InputIds, run.Json().GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(File.Exists(Path.Combine(cache, "models--someone--tiny-clip", "main", "onnx", "vision_model.onnx")));
    }

    [Fact]
    public async Task Hub_404_is_reported_with_the_url()
    {
        await using var hub = await LoopbackHub.StartAsync("someone/tiny-clip", Model);

        var run = await CliRun.InvokeAsync(
            new HubOptions { Endpoint = hub.BaseAddress.ToString() }, null,
            "tokenize", "--model", "someone/other", "--cache-dir", Path.Combine(fixture.Files.Directory, "cache404"), "x");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {hub.BaseAddress}someone/other/resolve/main/config.json: HTTP 404 NotFound: the repository, revision or file does not exist.{Environment.NewLine}", run.Error);
    }

    private string WriteImage()
    {
        var path = Path.Combine(fixture.Files.Directory, "image.png");
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, TestImages.Encode(TestImages.Gradient(90, 70), SkiaSharp.SKEncodedImageFormat.Png));
        }

        return path;
    }
}
