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
