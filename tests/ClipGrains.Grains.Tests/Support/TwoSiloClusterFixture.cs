using ClipGrains.Grains.Serving;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace ClipGrains.Grains.Tests.Support;

/// <summary>
/// Two in-process silos sharing one synthetic model folder, each with its own model host. The queue delay is
/// long enough that concurrent requests observably merge into batches.
/// </summary>
public sealed class TwoSiloClusterFixture : IAsyncLifetime
{
    private readonly SyntheticClip _model = SyntheticClip.Create();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IServiceProvider Silo(int index) => Cluster.Silos[index].ServiceProvider;

    public ModelHost Host(int index) => Silo(index).GetRequiredService<SiloModels>().Host();

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClipGrains:Model:Path"] = _model.Directory,
            ["ClipGrains:Model:IntraOpThreads"] = "1",
            ["ClipGrains:Batching:MaxQueueDelay"] = "00:00:00.100",
            ["ClipGrains:Batching:MaxImageBatchSize"] = "8",
            ["ClipGrains:FanOut:LocalMaxImages"] = "2",
        }).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(ClipGrainsStorage.Name);
            silo.AddClipGrains(configuration);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Task.WhenAll(Silo(0).GetRequiredService<SiloModels>().LoadAsync(), Silo(1).GetRequiredService<SiloModels>().LoadAsync());
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _model.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TwoSiloClusterGroup : ICollectionFixture<TwoSiloClusterFixture>
{
    public const string Name = "two-silo cluster";
}
