using ClipGrains.Grains.Collections;
using ClipGrains.Grains.Storage;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tests.Collections;

public sealed class SqliteCollectionStoreTests : CollectionStoreConformance, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "clipgrains-tests", $"{Guid.NewGuid():N}.db");
    private readonly List<SqliteDatabase> _databases = [];

    internal override Task<ICollectionStore> StoreAsync()
    {
        var database = new SqliteDatabase(Options.Create(new SqliteGrainStorageOptions { DatabasePath = _path }));
        _databases.Add(database);
        return Task.FromResult<ICollectionStore>(new SqliteCollectionStore(database));
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
