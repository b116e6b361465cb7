using ClipGrains.Grains.Postgres;
using ClipGrains.Grains.Tests.Support;
using ClipGrains.Grains.Usage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ClipGrains.Grains.Tests.Usage;

/// <summary>The usage-log contract against PostgreSQL (a fresh database per test; skipped where none runs).</summary>
[Trait("Category", "postgres")]
public sealed class PostgresUsageStoreTests : UsageStoreConformance, IAsyncLifetime
{
    private readonly List<PostgresDatabase> _databases = [];
    private TestPostgres? _postgres;

    public Task InitializeAsync() => Task.CompletedTask;

    protected override async Task<IUsageStore> StoreAsync()
    {
        _postgres ??= await TestPostgres.CreateDatabaseAsync();
        var database = new PostgresDatabase(new PostgresOptions { ConnectionString = _postgres.ConnectionString });
        _databases.Add(database);
        return new PostgresUsageStore(database, Options.Create(new ClusterOptions { ServiceId = "usage" }));
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
