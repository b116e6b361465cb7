using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace ClipGrains.Grains.Tests.Support;

/// <summary>
/// A cluster of its own for a destructive test: a synthetic model, a SQLite file that outlives silos, and a storage
/// registration chosen by the test (the real SQLite store, or a faulty wrapper of it).
/// </summary>
public sealed class OwnCluster : IAsyncDisposable
{
    private readonly SyntheticClip _model = SyntheticClip.Create();

    private OwnCluster() => Database = Path.Combine(Path.GetTempPath(), "clipgrains-tests", $"cluster-{Guid.NewGuid():N}.db");

    public string Database { get; }

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>Starts <paramref name="silos"/> silos; <paramref name="storage"/> registers the grain storage (given the database path).</summary>
    public static async Task<OwnCluster> StartAsync(short silos, Action<ISiloBuilder, string> storage)
    {
        var own = new OwnCluster();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ClipGrains:Model:Path"] = own._model.Directory }).Build();
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddClipGrains(configuration);
            storage(silo, own.Database);
        });
        own.Cluster = builder.Build();
        await own.Cluster.DeployAsync();
        return own;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _model.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(Database);
    }
}
