using ClipGrains.Grains.Tenancy;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace ClipGrains.Grains.Tests.Support;

/// <summary>Two silos on one fake clock, memory storage: the tenancy grains' shared cluster.</summary>
public sealed class TenancyClusterFixture : IAsyncLifetime
{
    private readonly SyntheticClip _model = SyntheticClip.Create();
    private readonly ClipGrains.Grains.Usage.MemoryUsageStore _usage = new();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Silo(int index) => Cluster.Silos[index].ServiceProvider.GetRequiredService<IGrainFactory>();

    /// <summary>Key ids silo <paramref name="index"/>'s verdict cache was told to forget.</summary>
    public IReadOnlyCollection<string> Forgotten(int index) => Cluster.Silos[index].ServiceProvider.GetRequiredService<RecordingKeyCache>().Forgotten;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClipGrains:Model:Path"] = _model.Directory,
        }).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.AddSingleton<RecordingKeyCache>();

            // One usage table for the cluster, as the shared database is in production.
            silo.Services.AddSingleton<ClipGrains.Grains.Usage.IUsageStore>(_usage);
            silo.Services.AddSingleton<IKeyVerdictCache>(sp => sp.GetRequiredService<RecordingKeyCache>());
            silo.AddMemoryGrainStorage(ClipGrainsStorage.Name);
            silo.AddClipGrains(configuration);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _model.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TenancyClusterGroup : ICollectionFixture<TenancyClusterFixture>
{
    public const string Name = "tenancy cluster";
}
