using ClipGrains.Grains.Collections;
using ClipGrains.Grains.Postgres;
using ClipGrains.Grains.Tests.Support;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ClipGrains.Grains.Tests.Collections;

/// <summary>The collection-store contract against PostgreSQL (a fresh database per test; skipped where none runs).</summary>
[Trait("Category", "postgres")]
public sealed class PostgresCollectionStoreTests : CollectionStoreConformance, IAsyncLifetime
{
    private readonly List<PostgresDatabase> _databases = [];
    private TestPostgres? _postgres;

    public Task InitializeAsync() => Task.CompletedTask;

    internal override async Task<ICollectionStore> StoreAsync()
    {
        _postgres ??= await TestPostgres.CreateDatabaseAsync();
        var database = new PostgresDatabase(new PostgresOptions { ConnectionString = _postgres.ConnectionString });
        _databases.Add(database);
        return new PostgresCollectionStore(database, Options.Create(new ClusterOptions { ServiceId = "collections" }));
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
