using ClipGrains.Api.Tests.Server;
using ClipGrains.Host.Tests.Cli;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Api.Tests.Collections;

/// <summary><c>clipgrains collections index|search</c> against the golden server: ids from relative paths, an interrupted run resumed.</summary>
[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class CollectionsCommandTests(GoldenServerFixture fixture) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "folder-" + Guid.NewGuid().ToString("N"));

    [SkippableFact]
    public async Task A_folder_is_indexed_with_ids_from_its_paths_resumed_without_repeats_and_searched()
    {
        var server = fixture.Server;
        var (_, key) = await server.CreateTenantAsync(credits: 100_000);
        Directory.CreateDirectory(Path.Combine(_folder, "farm animals"));
        File.Copy(GoldenData.Image("horse.png"), Path.Combine(_folder, "farm animals", "horse.png"));
        File.Copy(GoldenData.Image("coffee.png"), Path.Combine(_folder, "coffee.png"));
        File.WriteAllText(Path.Combine(_folder, "notes.txt"), "not an image");
        string[] api = ["--url", server.Http.BaseAddress!.ToString(), "--key", key, "--collection", "album"];

        var first = await CliRun.InvokeAsync(["collections", "index", _folder, "--batch", "1", .. api]);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal((2, 0, 2), (first.Json().GetProperty("files").GetInt32(), first.Json().GetProperty("skipped").GetInt32(), first.Json().GetProperty("indexed").GetInt32()));

        // A new image after the run: the second run indexes only it.
        File.Copy(GoldenData.Image("rocket.jpg"), Path.Combine(_folder, "rocket.jpg"));
        var second = await CliRun.InvokeAsync(["collections", "index", _folder, .. api]);
        Assert.Equal((3, 2, 1), (second.Json().GetProperty("files").GetInt32(), second.Json().GetProperty("skipped").GetInt32(), second.Json().GetProperty("indexed").GetInt32()));
        Assert.Equal(10 + 1, second.Json().GetProperty("credits").GetInt64());

        var search = await CliRun.InvokeAsync(["collections", "search", "--image", GoldenData.Image("horse.png"), "--top-k", "1", .. api]);
        Assert.Equal(0, search.ExitCode);
        var hit = search.Json().GetProperty("data")[0];
        Assert.Equal(("farm%20animals/horse.png", "farm animals/horse.png"), (hit.GetProperty("id").GetString(), hit.GetProperty("metadata").GetProperty("path").GetString()));
        var text = await CliRun.InvokeAsync(["collections", "search", "a photo of a rocket", .. api]);
        Assert.Equal(3, text.Json().GetProperty("data").GetArrayLength());

        var missing = await CliRun.InvokeAsync(["collections", "search", "x", "--url", server.Http.BaseAddress!.ToString(), "--key", key, "--collection", "nope"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("HTTP 404", missing.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
