using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>Destructive: its own server, every log line captured at Trace level.</summary>
[Trait("Category", "api")]
public sealed class LogHygieneTests
{
    [SkippableFact]
    public async Task Keys_prompts_and_image_bytes_never_reach_the_log()
    {
        await using var server = await RunningServer.StartAsync(GoldenData.TinyClip);
        const string prompt = "a very distinctive prompt about zanzibar okapis";
        var image = DataUri(GoldenData.Image("horse.png"));
        var (_, otherKey) = await server.CreateTenantAsync(credits: 0);

        await server.Http.PostAsync("/v1/embeddings", Body(new { input = prompt }));
        await server.Http.PostAsync("/v1/classifications", Body(new { input = new[] { image }, labels = new[] { prompt } }));
        await server.Http.PostAsync("/v1/classifications", Body(new { input = new[] { "data:image/png;base64,iVBORw0KGgo=" }, labels = new[] { prompt } }));
        using var broke = new HttpClient { BaseAddress = server.Http.BaseAddress };
        broke.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", otherKey);
        await broke.PostAsync("/v1/embeddings", Body(new { input = prompt }));
        await server.Http.PostAsync("/v1/embeddings", Raw("{\"input\": \"" + prompt));

        var log = string.Join('\n', server.Logs.Lines);
        Assert.NotEmpty(server.Logs.Lines);
        Assert.DoesNotContain(server.ApiKey, log, StringComparison.Ordinal);
        Assert.DoesNotContain(server.ApiKey[4..20], log, StringComparison.Ordinal);
        Assert.DoesNotContain(otherKey, log, StringComparison.Ordinal);
        Assert.DoesNotContain(RunningServer.AdminKey, log, StringComparison.Ordinal);
        Assert.DoesNotContain("zanzibar", log, StringComparison.Ordinal);
        Assert.DoesNotContain(image[30..80], log, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task What_a_request_logs_carries_its_request_id()
    {
        await using var server = await RunningServer.StartAsync(GoldenData.TinyClip, null, "--Logging:LogLevel:Default=Debug");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = Body(new { input = "a cat" }) };
        request.Headers.Add("X-Client-Request-Id", "trace-in-the-logs-1");

        var response = await server.Http.SendAsync(request);

        Assert.Equal("trace-in-the-logs-1", response.Headers.GetValues("x-request-id").Single());
        // The key handler logs (at Debug) inside the request: its line carries the API's id beside the framework's connection-based one.
        var lines = server.Logs.Lines.Where(l => l.Contains("ApiKeyAuthenticationHandler", StringComparison.Ordinal) && l.Contains("RequestPath:/v1/embeddings", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Contains("ApiRequestId:trace-in-the-logs-1", lines[0], StringComparison.Ordinal);
    }
}
