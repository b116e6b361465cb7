using ClipGrains.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace ClipGrains.Grains.Tests.Storage;

/// <summary>The shared storage contract against the embedded SQLite store.</summary>
public sealed class SqliteGrainStorageTests : GrainStorageConformance, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "clipgrains-tests", $"{Guid.NewGuid():N}.db");
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly List<SqliteDatabase> _databases = [];

    protected override Task<IGrainStorage> Storage()
    {
        var database = new SqliteDatabase(Options.Create(new SqliteGrainStorageOptions { DatabasePath = _path }));
        _databases.Add(database);
        var store = new SqliteGrainStorage(database, _services.GetRequiredService<Serializer>());
        return Task.FromResult<IGrainStorage>(store);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_database_and_its_journal_files_are_readable_by_the_owner_only()
    {
        var storage = await Storage();
        await storage.ReadStateAsync("s", GrainId.Create("t", "k"), new GrainState<List<int>>());

        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }.Where(File.Exists))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.True(File.Exists(_path));
    }

    public void Dispose()
    {
        _databases.ForEach(d => d.Dispose());
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}
