using ClipGrains.Grains.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tests.Storage;

public sealed class SqliteSchemaTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "clipgrains-tests", $"{Guid.NewGuid():N}.db");

    [Fact]
    public void The_scripts_are_the_files_of_infra_sql_sqlite_numbered_from_one()
    {
        Assert.Equal(["0001_initial", "0002_usage_log", "0003_usage_daily", "0004_collections"], SqliteSchema.Scripts.Select(s => s.Name));
        Assert.Equal(Enumerable.Range(1, SqliteSchema.Scripts.Count), SqliteSchema.Scripts.Select(s => s.Version));
    }

    [Fact]
    public async Task Migrating_twice_applies_each_script_once()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();

        Assert.Equal([1, 2, 3, 4], await SqliteSchema.MigrateAsync(connection));
        Assert.Empty(await SqliteSchema.MigrateAsync(connection));
        Assert.Equal(4, await SqliteSchema.VersionAsync(connection));
        Assert.Equal(["collection_items", "grain_state", "usage_daily", "usage_log"], await TablesAsync(connection));
    }

    [Fact]
    public async Task A_file_from_before_schema_versions_keeps_its_state_and_gains_the_usage_log()
    {
        // What version 1 of the server created: grain_state without updated_at and no user_version.
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await using (var old = new SqliteConnection($"Data Source={_path}"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE grain_state (grain_id TEXT NOT NULL, state_name TEXT NOT NULL, etag INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (grain_id, state_name));
                INSERT INTO grain_state VALUES ('tenant/tn_old', 'tenant', 3, x'01');
                """;
            await create.ExecuteNonQueryAsync();
        }

        using var database = new SqliteDatabase(Options.Create(new SqliteGrainStorageOptions { DatabasePath = _path }));
        await using var connection = await database.OpenAsync();

        Assert.Equal(4, await SqliteSchema.VersionAsync(connection));
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT etag FROM grain_state WHERE grain_id = 'tenant/tn_old'";
        Assert.Equal(3L, await read.ExecuteScalarAsync());
        Assert.Equal(["collection_items", "grain_state", "usage_daily", "usage_log"], await TablesAsync(connection));
    }

    [Fact]
    public async Task A_usage_log_from_version_2_is_summed_into_the_daily_roll_ups_and_later_records_are_added()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using (var v2 = connection.CreateCommand())
        {
            v2.CommandText = SqliteSchema.Scripts[0].Sql + ";" + SqliteSchema.Scripts[1].Sql + """
                ;PRAGMA user_version = 2;
                INSERT INTO usage_log (usage_id, tenant_id, key_id, model, route, images, texts, credits, at, refused, decode_ms, stored_bytes) VALUES
                    ('a', 'tn', 'k', 'm', 'r', 2, 0, 20, 1764374400000, 0, 0, 0),
                    ('b', 'tn', 'k', 'm', 'r', 1, 0, 10, 1764417600000, 0, 0, 7),
                    ('c', 'tn', 'k', 'm', 'r', 0, 0, 0, 1764417600000, 1, 33, 0);
                """;
            await v2.ExecuteNonQueryAsync();
        }

        Assert.Equal([3, 4], await SqliteSchema.MigrateAsync(connection));
        await using (var later = connection.CreateCommand())
        {
            later.CommandText = """
                INSERT INTO usage_log (usage_id, tenant_id, key_id, model, route, images, texts, credits, at) VALUES ('d', 'tn', 'k', 'm', 'r', 0, 4, 4, 1764460800000)
                    ON CONFLICT DO NOTHING;
                INSERT INTO usage_log (usage_id, tenant_id, key_id, model, route, images, texts, credits, at) VALUES ('a', 'tn', 'k', 'm', 'r', 2, 0, 20, 1764374400000)
                    ON CONFLICT DO NOTHING;
                """;
            await later.ExecuteNonQueryAsync();
        }

        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT day || ' ' || requests || ' ' || images || ' ' || texts || ' ' || credits || ' ' || refused || ' ' || refused_decode_ms || ' ' || stored_responses || ' ' || stored_bytes FROM usage_daily ORDER BY day";
        var rows = new List<string>();
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        // 2025-11-29: a and b charged, c refused; 2025-11-30: d (a written again adds nothing).
        Assert.Equal(["2025-11-29 2 3 0 30 1 33 1 7", "2025-11-30 1 0 4 4 0 0 0 0"], rows);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }
    }

    private static async Task<List<string>> TablesAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
