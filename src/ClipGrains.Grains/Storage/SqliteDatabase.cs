using ClipGrains.Abstractions.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Storage;

/// <summary>
/// The single-machine database file, shared by grain storage and the usage log: created readable by the server's user
/// only, in WAL mode, and brought to the current schema (<see cref="SqliteSchema"/>) before its first use.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _init = new(1, 1);
    private bool _initialized;

    public SqliteDatabase(IOptions<SqliteGrainStorageOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time ?? TimeProvider.System;
        var path = Path.GetFullPath(options.Value.DatabasePath);
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);

        // SQLite gives the -wal and -shm files the database's mode, so creating it 0600 covers all three.
        PrivateFiles.Touch(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>An open connection to a current schema.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout = 5000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        if (!_initialized)
        {
            await _init.WaitAsync(cancellationToken);
            try
            {
                if (!_initialized)
                {
                    await using var wal = connection.CreateCommand();
                    wal.CommandText = "PRAGMA journal_mode = WAL;";
                    await wal.ExecuteNonQueryAsync(cancellationToken);
                    await AddWriteTimeAsync(connection);
                    await SqliteSchema.MigrateAsync(connection, cancellationToken);
                    _initialized = true;
                }
            }
            finally
            {
                _init.Release();
            }
        }

        return connection;
    }

    public void Dispose() => _init.Dispose();

    // Files created before writes were timestamped (and before schema versions) get the column, with "now" for every
    // existing row: an old record then expires a retention period after the upgrade rather than at once.
    private async Task AddWriteTimeAsync(SqliteConnection connection)
    {
        await using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('grain_state') WHERE name = 'updated_at'";
        var count = (long)(await columns.ExecuteScalarAsync())!;
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'grain_state'";
        if (count == 1 || (long)(await exists.ExecuteScalarAsync())! == 0)
        {
            return;
        }

        await using var alter = connection.CreateCommand();
        alter.CommandText = "ALTER TABLE grain_state ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0; UPDATE grain_state SET updated_at = $now";
        alter.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeSeconds());
        await alter.ExecuteNonQueryAsync();
    }
}
