using System.Globalization;
using ClipGrains.Abstractions.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace ClipGrains.Grains.Storage;

/// <summary>
/// Durable grain state in one SQLite file, for the single-machine default (no server to install).
/// State is stored with Orleans' binary, version-tolerant serializer (a float matrix stays 4 bytes per value);
/// the etag is an integer row version, and every write is a compare-and-swap on it, so a stale activation
/// can never overwrite newer state.
/// </summary>
internal sealed class SqliteGrainStorage : IGrainStorage, IStateExpiry, IDisposable
{
    private readonly string _connectionString;
    private readonly Serializer _serializer;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _init = new(1, 1);
    private bool _initialized;

    public SqliteGrainStorage(IOptions<SqliteGrainStorageOptions> options, Serializer serializer, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        var path = Path.GetFullPath(options.Value.DatabasePath);
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);

        // SQLite gives the -wal and -shm files the database's mode, so creating it 0600 covers all three.
        PrivateFiles.Touch(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _serializer = serializer;
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, payload FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        await using var reader = await command.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            grainState.ETag = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
            grainState.State = _serializer.Deserialize<T>((byte[])reader.GetValue(1));
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.SerializeToArray(grainState.State);
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        var expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        command.CommandText = expected == 0
            ? "INSERT INTO grain_state (grain_id, state_name, etag, payload, updated_at) VALUES ($id, $name, 1, $payload, $now) ON CONFLICT DO NOTHING"
            : "UPDATE grain_state SET etag = etag + 1, payload = $payload, updated_at = $now WHERE grain_id = $id AND state_name = $name AND etag = $etag";
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$payload", payload);
        command.Parameters.AddWithValue("$etag", expected);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeSeconds());
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InconsistentStateException(
                $"State {stateName} of {grainId} changed since it was read (etag {grainState.ETag ?? "none"}).", await CurrentEtagAsync(connection, stateName, grainId), grainState.ETag);
        }

        grainState.ETag = (expected + 1).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is null)
        {
            grainState.RecordExists = false;
            grainState.State = Activator.CreateInstance<T>();
            return;
        }

        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE grain_id = $id AND state_name = $name AND etag = $etag";
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$etag", long.Parse(grainState.ETag, CultureInfo.InvariantCulture));
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InconsistentStateException(
                $"State {stateName} of {grainId} changed since it was read.", await CurrentEtagAsync(connection, stateName, grainId), grainState.ETag);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    public async Task<int> DeleteWrittenBeforeAsync(string stateName, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE state_name = $name AND updated_at < $cutoff";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => _init.Dispose();

    // Databases created before writes were timestamped get the column, with "now" for every existing row: an old
    // record then expires a retention period after the upgrade rather than at once.
    private async Task AddWriteTimeAsync(SqliteConnection connection)
    {
        await using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('grain_state') WHERE name = 'updated_at'";
        if ((long)(await columns.ExecuteScalarAsync())! == 1)
        {
            return;
        }

        await using var alter = connection.CreateCommand();
        alter.CommandText = "ALTER TABLE grain_state ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0; UPDATE grain_state SET updated_at = $now";
        alter.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeSeconds());
        await alter.ExecuteNonQueryAsync();
    }

    private static async Task<string?> CurrentEtagAsync(SqliteConnection connection, string stateName, GrainId grainId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        return (await command.ExecuteScalarAsync()) is long etag ? etag.ToString(CultureInfo.InvariantCulture) : null;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout = 5000;";
            await pragma.ExecuteNonQueryAsync();
        }

        if (!_initialized)
        {
            await _init.WaitAsync();
            try
            {
                if (!_initialized)
                {
                    await using var create = connection.CreateCommand();
                    create.CommandText = """
                        PRAGMA journal_mode = WAL;
                        CREATE TABLE IF NOT EXISTS grain_state (
                            grain_id   TEXT    NOT NULL,
                            state_name TEXT    NOT NULL,
                            etag       INTEGER NOT NULL,
                            payload    BLOB    NOT NULL,
                            updated_at INTEGER NOT NULL DEFAULT 0,
                            PRIMARY KEY (grain_id, state_name));
                        """;
                    await create.ExecuteNonQueryAsync();
                    await AddWriteTimeAsync(connection);
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
}
