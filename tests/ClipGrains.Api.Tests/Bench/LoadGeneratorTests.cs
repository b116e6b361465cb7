using ClipGrains.Host.Bench;
using ClipGrains.Api.Tests.Server;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Api.Tests.Bench;

[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class LoadGeneratorTests(GoldenServerFixture fixture)
{
    [SkippableFact]
    public async Task Distinct_images_are_all_inferred_and_every_request_succeeds()
    {
        var server = fixture.Server;
        var body = LoadGenerator.ClassificationBody(await File.ReadAllBytesAsync(GoldenData.Image("rocket.jpg")), 2, ["cat", "dog"], null);
        var generator = await GeneratorAsync(server, body, server.Http.BaseAddress!, server.Http.BaseAddress!);
        var before = server.ModelHost.Statistics.Images;

        var result = await generator.RunAsync(3, TimeSpan.FromMinutes(1), maxRequests: 9, progress: null, CancellationToken.None);

        Assert.Equal(9, result.Requests);
        Assert.Equal(0, result.Errors);
        Assert.Equal(9, result.StatusCounts[200]);
        Assert.Equal(18, server.ModelHost.Statistics.Images - before);

        // A second run with the same generator must not be served from what the first one cached.
        var again = await generator.RunAsync(2, TimeSpan.FromMinutes(1), maxRequests: 4, progress: null, CancellationToken.None);
        Assert.Equal(4, again.StatusCounts[200]);
        Assert.Equal(26, server.ModelHost.Statistics.Images - before);
    }

    [SkippableFact]
    public async Task Repeated_images_measure_the_cache_instead()
    {
        var server = fixture.Server;
        var body = LoadGenerator.ClassificationBody(await File.ReadAllBytesAsync(GoldenData.Image("astronaut_q90.jpg")), 1, ["cat", "dog"], null, repeat: true);
        var generator = await GeneratorAsync(server, body, server.Http.BaseAddress!);
        var before = server.ModelHost.Statistics.Images;

        var result = await generator.RunAsync(1, TimeSpan.FromMinutes(1), maxRequests: 5, progress: null, CancellationToken.None);

        Assert.Equal(5, result.StatusCounts[200]);
        Assert.Equal(1, server.ModelHost.Statistics.Images - before);
    }

    [SkippableFact]
    public async Task Paired_latency_sends_one_distinct_request_per_pair_and_reports_each_side()
    {
        var server = fixture.Server;
        var bytes = await File.ReadAllBytesAsync(GoldenData.Image("rocket.jpg"));
        var generator = await GeneratorAsync(server, LoadGenerator.ClassificationBody(bytes, 1, ["cat", "dog"], null), server.Http.BaseAddress!);
        var model = server.ModelHost.Model;
        var before = server.ModelHost.Statistics.Images;

        var result = await PairedLatency.MeasureAsync(model, OrtCeiling.Tensor(model, bytes), generator, pairs: 6, CancellationToken.None);

        Assert.Equal((6, 0), (result.Pairs, result.Errors));
        Assert.Equal(7, server.ModelHost.Statistics.Images - before); // 6 pairs and the warm-up, none from the cache
        Assert.True(result.OrtMedianMs > 0 && result.ServerMedianMs > 0, $"{result}");
        Assert.True(result.DifferenceP90Ms >= result.DifferenceMedianMs, $"{result}");
    }

    /// <summary>A generator with a tenant of its own, so no other test's cached embeddings can answer.</summary>
    private static async Task<LoadGenerator> GeneratorAsync(RunningServer server, string body, params Uri[] gateways)
    {
        var (_, key) = await server.CreateTenantAsync(credits: 1_000_000);
        return new LoadGenerator(server.Http, gateways, body, imagesPerRequest: 1, key);
    }
}
