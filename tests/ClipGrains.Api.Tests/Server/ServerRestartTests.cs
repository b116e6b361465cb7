using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>Destructive: each test runs its own servers.</summary>
[Trait("Category", "api")]
public sealed class ServerRestartTests
{
    [SkippableFact]
    public async Task Label_sets_survive_a_restart_on_the_same_data_directory_without_recomputing()
    {
        string dataDirectory, apiKey;
        await using (var first = await RunningServer.StartAsync(GoldenData.TinyClip))
        {
            (dataDirectory, apiKey) = (first.DataDirectory, first.ApiKey);
            var (status, _) = await ReadAsync(await first.Http.PostAsync("/v1/label-sets?wait=true", Body(new { name = "kept", labels = new[] { "cat", "dog" }, template_preset = "openai-7" })));
            Assert.Equal(201, status);
            Assert.Equal(14, first.ModelHost.Statistics.Texts);
        }

        await using var second = await RunningServer.StartAsync(GoldenData.TinyClip, dataDirectory);
        second.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        var (getStatus, info) = await ReadAsync(await second.Http.GetAsync("/v1/label-sets/kept"));
        Assert.Equal(200, getStatus);
        Assert.Equal("ready", info.GetProperty("status").GetString());
        Assert.Equal(1, info.GetProperty("version").GetInt32());

        var (classifyStatus, _) = await ReadAsync(await second.Http.PostAsync("/v1/classifications", Body(new
        {
            input = new[] { DataUri(GoldenData.Image("chelsea.png")) },
            label_set = "kept",
        })));
        Assert.Equal(200, classifyStatus);
        Assert.Equal(0, second.ModelHost.Statistics.Texts);
        Assert.Equal(["kept"], (await ReadAsync(await second.Http.GetAsync("/v1/label-sets"))).Json.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }

    [SkippableFact]
    public async Task A_full_queue_answers_503_with_retry_after_and_the_server_stays_healthy()
    {
        await using var server = await RunningServer.StartAsync(
            GoldenData.TinyClip, null, "--ClipGrains:Batching:MaxImageQueueLength=1", "--ClipGrains:Batching:MaxImageBatchSize=1");
        var image = DataUri(GoldenData.Image("horse.png"));

        var response = await server.Http.PostAsync("/v1/embeddings", Body(new { modality = "image", input = Enumerable.Repeat(image, 32).ToArray() }));

        AssertError(503, "server_overloaded", await ReadAsync(response));
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Equal(200, (int)(await server.Http.PostAsync("/v1/embeddings", Body(new { modality = "image", input = new[] { image } }))).StatusCode);
    }

    [SkippableFact]
    public async Task Bodies_over_the_route_limit_are_413()
    {
        await using var server = await RunningServer.StartAsync(GoldenData.TinyClip, null, "--ClipGrains:Gateway:MaxImageRequestBytes=10000");

        var big = new string('a', 20000);
        AssertError(413, "request_too_large", await ReadAsync(await server.Http.PostAsync("/v1/embeddings", Body(new { input = big }))));
    }
}
