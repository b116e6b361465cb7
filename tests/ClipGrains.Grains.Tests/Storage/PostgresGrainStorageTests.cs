using ClipGrains.Grains.Postgres;
using ClipGrains.Grains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace ClipGrains.Grains.Tests.Storage;

/// <summary>The shared storage contract against PostgreSQL (a fresh database per test).</summary>
[Trait("Category", "postgres")]
public sealed class PostgresGrainStorageTests : GrainStorageConformance, IAsyncLifetime
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly List<PostgresDatabase> _databases = [];
    private TestPostgres? _postgres;

    public Task InitializeAsync() => Task.CompletedTask;

    protected override async Task<IGrainStorage> Storage()
    {
        _postgres ??= await TestPostgres.CreateDatabaseAsync();
        var database = new PostgresDatabase(new PostgresOptions { ConnectionString = _postgres.ConnectionString });
        _databases.Add(database);
        return new PostgresGrainStorage(database, _services.GetRequiredService<Serializer>(), Options.Create(new ClusterOptions { ServiceId = "conformance" }));
    }

    [SkippableFact]
    public async Task Service_ids_keep_their_state_apart()
    {
        var storage = await Storage();
        var grain = GrainId.Create("test", "shared");
        var state = new GrainState<NameSetState>(new NameSetState());
        state.State!.Names.Add("first service");
        await storage.WriteStateAsync("s", grain, state);

        var other = new PostgresGrainStorage(_databases[0], _services.GetRequiredService<Serializer>(), Options.Create(new ClusterOptions { ServiceId = "another" }));
        var read = new GrainState<NameSetState>(new NameSetState());
        await other.ReadStateAsync("s", grain, read);

        Assert.False(read.RecordExists);
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        await _services.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
