using static ClipGrains.Host.Tests.Server.HttpJson;

namespace ClipGrains.Host.Tests.Server;

[Collection(GoldenServerGroup.Name)]
public sealed class ServerBasicsTests(GoldenServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;

    [SkippableFact]
    public async Task Models_lists_the_served_model()
    {
        var (status, json) = await ReadAsync(await Http.GetAsync("/v1/models"));

        Assert.Equal(200, status);
        Assert.Equal("""{"object":"list","data":[{"id":"clip-vit-base-patch32","object":"model","created":1609804800,"owned_by":"openai"}]}""", json.GetRawText());
        Assert.Equal(200, (int)(await Http.GetAsync("/v1/models/openai/clip-vit-base-patch32")).StatusCode);
        AssertError(404, "model_not_found", await ReadAsync(await Http.GetAsync("/v1/models/whisper-1")));
    }

    [SkippableFact]
    public async Task Health_reports_live_and_ready()
    {
        Assert.Equal(200, (int)(await Http.GetAsync("/health/live")).StatusCode);
        var (status, json) = await ReadAsync(await Http.GetAsync("/health/ready"));
        Assert.Equal(200, status);
        Assert.Equal("""{"status":"ready","model_loaded":true,"silo_active":true}""", json.GetRawText());
    }

    [SkippableFact]
    public async Task Unknown_routes_and_methods_are_openai_errors()
    {
        AssertError(404, "not_found", await ReadAsync(await Http.GetAsync("/v1/chat/completions")));
        AssertError(405, "method_not_allowed", await ReadAsync(await Http.GetAsync("/v1/embeddings")));
    }
}
