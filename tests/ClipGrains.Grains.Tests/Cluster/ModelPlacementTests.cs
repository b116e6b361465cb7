using ClipGrains.Abstractions.Cluster;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Cluster;
using ClipGrains.Grains.Serving;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SkiaSharp;

namespace ClipGrains.Grains.Tests.Cluster;

/// <summary>Destructive: two silos of their own and a model nobody keeps loaded (scale to zero).</summary>
[Trait("Category", "cluster")]
public sealed class ModelPlacementTests : IAsyncLifetime
{
    private readonly SyntheticClip _model = SyntheticClip.Create();
    private InProcessTestCluster _cluster = null!;

    private static readonly IReadOnlyList<byte[]> Images =
        [.. Enumerable.Range(0, 2).Select(i => TestImages.Encode(TestImages.Noise(16, 16, seed: i), SKEncodedImageFormat.Png))];

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClipGrains:Models:Deployments:0:Id"] = "lazy",
            ["ClipGrains:Models:Deployments:0:Path"] = _model.Directory,
            ["ClipGrains:Models:Deployments:0:IntraOpThreads"] = "1",

            // A queue of one image already counts as deep, so concurrent requests spill onto a second copy.
            ["ClipGrains:FanOut:ScaleOutQueueDepth"] = "1",
        }).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(ClipGrainsStorage.Name);
            silo.AddClipGrains(configuration);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _model.Dispose();
    }

    private IServiceProvider Silo(int index) => _cluster.Silos[index].ServiceProvider;

    private bool Holds(int index) => Silo(index).GetRequiredService<SiloModels>().States().Single().Loaded;

    private Task<FannedOutResult> EncodeAtAsync(int index) =>
        Silo(index).GetRequiredService<ClusterEncoder>().EncodeImagesAsync(new ImageBatch(Images, DateTimeOffset.UtcNow.AddMinutes(2), "t", "lazy"));

    [Fact]
    public async Task A_model_loaded_only_on_one_silo_serves_a_request_arriving_at_the_other()
    {
        Assert.False(Holds(0) || Holds(1));

        var first = await EncodeAtAsync(0);
        var second = await EncodeAtAsync(1);

        Assert.Null(second.Failure);
        Assert.Equal(first.Silos, second.Silos);
        Assert.Equal([Silo(0).GetRequiredService<ClusterView>().LocalSilo], second.Silos);
        Assert.True(Holds(0));
        Assert.False(Holds(1));
    }

    [Fact]
    public async Task When_the_silo_holding_the_only_copy_dies_the_next_request_loads_it_elsewhere()
    {
        await EncodeAtAsync(0);
        Assert.True(Holds(0));
        var survivor = _cluster.Silos[1];

        await _cluster.KillSiloAsync(_cluster.Silos[0]);
        var after = await survivor.ServiceProvider.GetRequiredService<ClusterEncoder>().EncodeImagesAsync(new ImageBatch(Images, DateTimeOffset.UtcNow.AddMinutes(2), "t", "lazy"));

        Assert.Null(after.Failure);
        Assert.Equal([survivor.ServiceProvider.GetRequiredService<ClusterView>().LocalSilo], after.Silos);
        Assert.True(survivor.ServiceProvider.GetRequiredService<SiloModels>().States().Single().Loaded);
    }

    [Fact]
    public async Task A_model_whose_only_holder_stays_busy_gets_a_second_copy_on_the_other_silo()
    {
        await EncodeAtAsync(0);
        var host = Silo(0).GetRequiredService<SiloModels>().Host("lazy");
        using var gate = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Hold(int size)
        {
            blocked.TrySetResult();
            gate.Wait(TimeSpan.FromSeconds(30));
        }

        // Silo 0's runner is held after its next batch: work keeps queuing there, so its queue is deep for routing.
        host.ImageBatchRan += Hold;
        Task<FannedOutResult> first, second, third;
        FannedOutResult spilled;
        try
        {
            first = EncodeAtAsync(0);
            await blocked.Task.WaitAsync(TimeSpan.FromSeconds(30));
            second = EncodeAtAsync(0);
            third = EncodeAtAsync(0);
            spilled = await await Task.WhenAny(second, third).WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            host.ImageBatchRan -= Hold;
            gate.Set();
        }

        await Task.WhenAll(first, second, third);
        Assert.Null(spilled.Failure);
        Assert.Equal([Silo(1).GetRequiredService<ClusterView>().LocalSilo], spilled.Silos);
        Assert.True(Holds(1));
    }
}
