using ClipGrains.Abstractions.Telemetry;

using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class ServerBasicsTests(GoldenServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;

    [SkippableFact]
    public async Task Models_lists_the_served_model()
    {
        var (status, json) = await ReadAsync(await Http.GetAsync("/v1/models"));

        Assert.Equal(200, status);
        Assert.Equal(
            """{"object":"list","data":[{"id":"clip-vit-base-patch32","object":"model","created":1609804800,"owned_by":"openai","copies_loaded":1,"copies_loading":0}]}""",
            json.GetRawText());
        Assert.Equal(200, (int)(await Http.GetAsync("/v1/models/openai/clip-vit-base-patch32")).StatusCode);
        AssertError(404, "model_not_found", await ReadAsync(await Http.GetAsync("/v1/models/whisper-1")));
    }

    [SkippableFact]
    public async Task Health_reports_live_and_ready()
    {
        Assert.Equal(200, (int)(await Http.GetAsync("/health/live")).StatusCode);
        var (status, json) = await ReadAsync(await Http.GetAsync("/health/ready"));
        Assert.Equal(200, status);
        Assert.Equal("""{"status":"ready","silo_active":true,"stopping":false,"models_loaded":1,"models_loading":0}""", json.GetRawText());
    }

    [SkippableFact]
    public async Task Unknown_routes_and_methods_are_openai_errors()
    {
        AssertError(404, "not_found", await ReadAsync(await Http.GetAsync("/v1/chat/completions")));
        AssertError(405, "method_not_allowed", await ReadAsync(await Http.GetAsync("/v1/embeddings")));
    }

    [SkippableFact]
    public async Task Prometheus_scrape_shows_the_clipgrains_meter_without_tenant_or_key_labels()
    {
        await Http.PostAsync("/v1/classifications", Body(new { input = new[] { DataUri(Inference.Tests.Support.GoldenData.Image("horse.png")) }, labels = new[] { "a", "b" } }));

        var text = await (await Http.GetAsync("/metrics")).Content.ReadAsStringAsync();

        Assert.Contains("clipgrains_images_encoded_total", text, StringComparison.Ordinal);
        Assert.Contains("clipgrains_batch_size_", text, StringComparison.Ordinal);
        Assert.Contains("clipgrains_requests_total{", text, StringComparison.Ordinal);
        Assert.Contains("route=\"/v1/classifications\"", text, StringComparison.Ordinal);
        Assert.Contains("clipgrains_credits_committed_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.ApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.TenantId, text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Errors_thrown_by_an_endpoint_are_counted_under_its_route_not_unmatched()
    {
        var seen = new TaskCompletionSource<(string Route, int Status)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ClipGrainsTelemetry.Name && instrument.Name == "clipgrains.requests")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var route = tags.ToArray().Single(t => t.Key == "route").Value as string;
            var status = (int)tags.ToArray().Single(t => t.Key == "status").Value!;
            if (status == 400)
            {
                seen.TrySetResult((route!, status));
            }
        });
        listener.Start();

        AssertError(400, "invalid_request", await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new { input = 42 }))), "input");

        Assert.Equal(("/v1/embeddings", 400), await seen.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
