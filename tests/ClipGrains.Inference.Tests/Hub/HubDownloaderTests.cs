using System.Net;
using ClipGrains.Inference.Hub;
using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Inference.Tests.Hub;

public sealed class HubDownloaderTests : IAsyncLifetime, IDisposable
{
    private const string Repo = "Xenova/clip-vit-base-patch32";
    private readonly SyntheticClip _model = SyntheticClip.Create();
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "cache-" + Guid.NewGuid().ToString("N"));
    private readonly CuttingHandler _cutter = new();
    private readonly HttpClient _http;
    private LoopbackHub _hub = null!;

    public HubDownloaderTests() => _http = new HttpClient(_cutter);

    public async Task InitializeAsync() => _hub = await LoopbackHub.StartAsync(Repo, _model.Directory);

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _model.Dispose();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private HubDownloader Downloader(string? token = null) =>
        new(_http, new HubOptions { Endpoint = _hub.BaseAddress.ToString(), Token = token, RetryDelay = TimeSpan.Zero });

    [Fact]
    public async Task Downloads_every_file_into_the_cache_layout_and_the_result_loads()
    {
        var folder = await Downloader().EnsureModelAsync(Repo, "main", string.Empty, _cache);

        Assert.Equal(Path.Combine(_cache, "models--Xenova--clip-vit-base-patch32", "main"), folder);
        foreach (var file in new[] { "config.json", "preprocessor_config.json", "tokenizer.json", "onnx/vision_model.onnx", "onnx/text_model.onnx" })
        {
            Assert.Equal(await File.ReadAllBytesAsync(_model.File(file)), await File.ReadAllBytesAsync(Path.Combine(folder, file)));
        }

        Assert.Empty(Directory.EnumerateFiles(folder, "*.incomplete", SearchOption.AllDirectories));
        using var loaded = ClipModel.Load(ModelBundle.Open(folder));
        Assert.Equal(SyntheticClip.Dimension, loaded.EncodeTexts(["a photo of a cat"])[0].Length);
    }

    [Fact]
    public async Task Second_call_fetches_nothing()
    {
        await Downloader().EnsureModelAsync(Repo, "main", string.Empty, _cache);
        var before = _hub.Requests.Count;

        await Downloader().EnsureModelAsync(Repo, "main", string.Empty, _cache);

        Assert.Equal(before, _hub.Requests.Count);
    }

    [Fact]
    public async Task Interrupted_download_resumes_with_a_range_request()
    {
        const string file = "onnx/text_model.onnx";
        _cutter.Cut(file);
        var size = new FileInfo(_model.File(file)).Length;

        var folder = await Downloader().EnsureModelAsync(Repo, "main", string.Empty, _cache);

        var requests = _hub.Requests.Where(r => r.Path == file).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(string.Empty, requests[0].Range);
        Assert.Equal($"bytes={size / 2}-", requests[1].Range);
        Assert.Equal(await File.ReadAllBytesAsync(_model.File(file)), await File.ReadAllBytesAsync(Path.Combine(folder, file)));
    }

    [Fact]
    public async Task Partial_file_never_appears_under_its_final_name()
    {
        const string file = "onnx/vision_model.onnx";
        _cutter.Cut(file, times: 10);
        var downloader = new HubDownloader(_http, new HubOptions { Endpoint = _hub.BaseAddress.ToString(), MaxAttempts = 1, RetryDelay = TimeSpan.Zero });

        await Assert.ThrowsAsync<IOException>(() => downloader.EnsureModelAsync(Repo, "main", string.Empty, _cache));

        var folder = HubDownloader.CacheFolder(_cache, Repo, "main");
        Assert.False(File.Exists(Path.Combine(folder, file)));
        Assert.True(File.Exists(Path.Combine(folder, file + ".incomplete")));
    }

    [Fact]
    public async Task Server_errors_are_retried()
    {
        _hub.Unavailable(times: 2);

        var folder = await Downloader().EnsureModelAsync(Repo, "main", string.Empty, _cache);

        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
    }

    [Fact]
    public async Task Missing_repository_is_a_clear_404_without_retries()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Downloader().EnsureModelAsync("nobody/nothing", "main", string.Empty, _cache));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal($"{_hub.BaseAddress}nobody/nothing/resolve/main/config.json: HTTP 404 NotFound: the repository, revision or file does not exist.", error.Message);
        Assert.Single(_hub.Requests);
    }

    [Fact]
    public async Task Missing_variant_names_the_file()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Downloader().EnsureModelAsync(Repo, "main", "fp16", _cache));

        Assert.Contains("onnx/vision_model_fp16.onnx: HTTP 404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Falls_back_to_vocab_and_merges_when_there_is_no_tokenizer_json()
    {
        File.Move(_model.File("tokenizer.json"), _model.File("tokenizer.bak"));
        File.WriteAllText(_model.File("vocab.json"), "{}");
        File.WriteAllText(_model.File("merges.txt"), "#version: 0.2\n");

        var folder = await Downloader().EnsureModelAsync(Repo, "main", string.Empty, _cache);

        Assert.True(File.Exists(Path.Combine(folder, "vocab.json")));
        Assert.True(File.Exists(Path.Combine(folder, "merges.txt")));
        Assert.False(File.Exists(Path.Combine(folder, "tokenizer.json")));
    }

    [Fact]
    public async Task Token_is_sent_as_bearer()
    {
        await Downloader(token: "hf_secret").EnsureModelAsync(Repo, "main", string.Empty, _cache);

        Assert.All(_hub.Requests, r => Assert.Equal("Bearer hf_secret", r.Authorization));
    }

    [Fact]
    public async Task Reports_progress_up_to_each_file_size()
    {
        var reports = new List<DownloadProgress>();

        await Downloader().EnsureModelAsync(Repo, "main", string.Empty, _cache, new SyncProgress(reports));

        var last = reports.Last(r => r.File == "onnx/text_model.onnx");
        Assert.Equal(new FileInfo(_model.File("onnx/text_model.onnx")).Length, last.Received);
        Assert.Equal(last.Received, last.Total);
    }

    [Theory]
    [InlineData("Xenova/clip-vit-base-patch32", true)]
    [InlineData("openai/clip-vit-base-patch32", true)]
    [InlineData("../etc", false)]
    [InlineData("a/b/c", false)]
    [InlineData("owner/..", false)]
    [InlineData("noslash", false)]
    public void Recognises_repository_ids(string value, bool expected) => Assert.Equal(expected, HubDownloader.IsRepoId(value));

    [Fact]
    public async Task Locator_uses_a_folder_as_is_and_refuses_a_non_id()
    {
        Assert.Equal(_model.Directory, await ModelLocator.ResolveAsync(ModelLocator.FromArgument(_model.Directory), Downloader()));

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => ModelLocator.ResolveAsync(ModelLocator.FromArgument("/no/such/folder"), Downloader()));
        Assert.Equal("/no/such/folder: not a model folder, and not a hub repository id of the form owner/name.", error.Message);
    }

    private sealed class SyncProgress(List<DownloadProgress> reports) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => reports.Add(value);
    }
}
