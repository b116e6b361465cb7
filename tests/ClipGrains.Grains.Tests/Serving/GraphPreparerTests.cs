using System.Diagnostics.Metrics;
using ClipGrains.Abstractions.Configuration;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Grains.Serving;
using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Grains.Tests.Serving;

/// <summary>Optimised graphs written off the request path: at start for local deployments, after a load that optimised them itself.</summary>
public sealed class GraphPreparerTests : IDisposable
{
    private readonly SyntheticClip _model = SyntheticClip.Create();
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "prepared-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _model.Dispose();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Fact]
    public async Task A_local_deployment_loaded_on_demand_is_prepared_at_start_and_its_first_load_reads_the_cache()
    {
        var loader = Loader();
        var deployment = Deployment("a", minCopies: 0);
        using var preparer = Preparer(loader, deployment);

        await preparer.StartAsync(CancellationToken.None);
        await preparer.EnqueueAsync(deployment);
        using var model = loader.Load(deployment, _model.Directory);

        Assert.Equal(2, preparer.GraphsWritten);
        Assert.Equal((true, true), (model.VisionLoad.FromCache, model.TextLoad.FromCache));
        Assert.Equal(2, Directory.GetFiles(_cache, "*.onnx").Length);
        Assert.Empty(Directory.GetFiles(_cache, "*.tmp"));
        await preparer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_kept_deployment_is_not_prepared_at_start_but_once_its_load_has_optimised_the_graphs_itself()
    {
        var loader = Loader();
        var kept = Deployment("kept", minCopies: 1);
        var broken = new ModelDeploymentOptions { Id = "broken", Path = Path.Combine(_cache, "no-such-model"), MinCopies = 1 };
        using var preparer = Preparer(loader, kept, broken);
        await preparer.StartAsync(CancellationToken.None);

        // The queue is first in, first out: once this later, failing preparation has run, start-up's would have too.
        await preparer.EnqueueAsync(broken);
        var atStart = preparer.GraphsWritten;
        await using (var models = Models(loader, preparer, kept))
        {
            using var use = await models.AcquireAsync("kept", DateTimeOffset.MaxValue);
            Assert.Equal((false, false), (use.Host.Model.VisionLoad.FromCache, use.Host.Model.TextLoad.FromCache));
        }

        // The load handed the deployment over; this joins that preparation, or finds its graphs written.
        await preparer.EnqueueAsync(kept);
        using var reloaded = loader.Load(kept, _model.Directory);

        Assert.Equal((0, 2), (atStart, preparer.GraphsWritten));
        Assert.Equal((true, true), (reloaded.VisionLoad.FromCache, reloaded.TextLoad.FromCache));
        await preparer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Without_a_cache_folder_nothing_is_written_and_loads_optimise_as_before()
    {
        var loader = new ModelLoader(Options.Create(new ClipModelOptions()));
        var deployment = Deployment("a", minCopies: 0);
        using var preparer = Preparer(loader, deployment);

        await preparer.StartAsync(CancellationToken.None);
        await preparer.EnqueueAsync(deployment);
        using var model = loader.Load(deployment, _model.Directory);

        Assert.Equal(0, preparer.GraphsWritten);
        Assert.Equal((false, false), (model.VisionLoad.FromCache, model.TextLoad.FromCache));
        Assert.False(Directory.Exists(_cache));
        await preparer.StopAsync(CancellationToken.None);
    }

    private ModelLoader Loader() => new(Options.Create(new ClipModelOptions { OptimizedGraphCache = _cache }));

    private ModelDeploymentOptions Deployment(string id, int minCopies) => new() { Id = id, Path = _model.Directory, IntraOpThreads = 1, MinCopies = minCopies };

    private static GraphPreparer Preparer(ModelLoader loader, params ModelDeploymentOptions[] deployments) =>
        new(Options.Create(new ModelsOptions { Deployments = [.. deployments] }), loader, NullLogger<GraphPreparer>.Instance);

    private SiloModels Models(ModelLoader loader, GraphPreparer preparer, params ModelDeploymentOptions[] deployments)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var batching = Options.Create(new BatchingOptions { ImageRunners = 1 });
        var telemetry = new ClipGrainsTelemetry(_services.GetRequiredService<IMeterFactory>());
        return new SiloModels(
            Options.Create(new ModelsOptions { Deployments = [.. deployments], MaxParallelLoads = 1 }), batching, loader, new DecodeAdmission(batching, clock), clock,
            telemetry, NullLogger<SiloModels>.Instance, preparer: preparer);
    }
}
