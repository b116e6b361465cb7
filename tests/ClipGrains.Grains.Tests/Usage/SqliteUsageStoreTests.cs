using ClipGrains.Grains.Storage;
using ClipGrains.Grains.Usage;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tests.Usage;

public sealed class SqliteUsageStoreTests : UsageStoreConformance, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "clipgrains-tests", $"{Guid.NewGuid():N}.db");
    private readonly List<SqliteDatabase> _databases = [];

    protected override Task<IUsageStore> StoreAsync()
    {
        var database = new SqliteDatabase(Options.Create(new SqliteGrainStorageOptions { DatabasePath = _path }));
        _databases.Add(database);
        return Task.FromResult<IUsageStore>(new SqliteUsageStore(database));
    }

    [Fact]
    public async Task Whole_days_are_read_from_the_roll_ups_not_from_the_log()
    {
        var store = await StoreAsync();
        var day = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
        await store.InsertAsync([new("r1", "tn_a", "k", "m", "createEmbedding", 1, 0, 10, day.AddHours(3)), new("r2", "tn_a", "k", "m", "createEmbedding", 0, 2, 5, day.AddHours(30))]);

        // The raw rows gone (as if archived): the whole day still sums from its roll-up, the partial one has nothing.
        await using (var connection = await _databases[^1].OpenAsync())
        await using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM usage_log";
            await delete.ExecuteNonQueryAsync();
        }

        Assert.Equal([new Abstractions.Tenancy.UsageGroup("2026-11-28", "k", "m", 1, 1, 0, 10, 0, 0, 0, 0)], await store.SummarizeAsync("tn_a", day, day.AddHours(36)));
    }

    public void Dispose()
    {
        _databases.ForEach(d => d.Dispose());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }
    }
}
