using ClipGrains.Host.Bench;
using ClipGrains.Api.Tests.Server;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Api.Tests.Bench;

/// <summary>The stress harness drives what it claims to; its figures belong in docs/security.md, not in assertions.</summary>
[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class StressRunTests(GoldenServerFixture fixture)
{
    [Fact]
    public void A_big_body_is_one_input_array_of_ones()
    {
        Assert.Equal("{\"input\":[1,1,1]}", System.Text.Encoding.ASCII.GetString(BigBodyRun.Body(3)));
    }

    [SkippableFact]
    public async Task Big_bodies_are_refused_by_the_item_bound_and_memory_is_sampled()
    {
        var server = fixture.Server;
        using var http = new HttpClient();

        var result = await BigBodyRun.MeasureAsync(http, server.Http.BaseAddress!, server.ApiKey, Environment.ProcessId, concurrency: 2, items: 100_000, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(new Dictionary<int, int> { [400] = 2 }, result.Statuses);
        Assert.True(result.RssBeforeBytes > 0 && result.RssPeakBytes >= result.RssBeforeBytes);
    }

    [SkippableFact]
    public async Task A_fairness_run_measures_the_victim_alone_and_during_the_flood()
    {
        var server = fixture.Server;
        var (_, victimKey) = await server.CreateTenantAsync(credits: 1_000_000);
        var (_, floodKey) = await server.CreateTenantAsync(credits: 1_000_000);
        var image = await File.ReadAllBytesAsync(GoldenData.Image("rocket.jpg"));
        using var http = new HttpClient();
        var victim = new LoadGenerator(http, [server.Http.BaseAddress!], LoadGenerator.ClassificationBody(image, 1, ["cat", "dog"], null), 1, victimKey);
        var flood = new LoadGenerator(http, [server.Http.BaseAddress!], LoadGenerator.ClassificationBody(image, 2, ["a", "b", "c"], null, templates: 4), 2, floodKey);

        var result = await FairnessRun.MeasureAsync(victim, flood, floodClients: 2, TimeSpan.FromMilliseconds(500), CancellationToken.None);

        Assert.True(result.VictimAlone.StatusCounts[200] > 0);
        Assert.True(result.VictimDuringFlood.StatusCounts[200] > 0);
        Assert.True(result.Flood.StatusCounts[200] > 0);
    }
}
