using System.Globalization;
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
internal sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private readonly string _connectionString;
    private readonly Serializer _serializer;
    private readonly SemaphoreSlim _init = new(1, 1);
    private bool _initialized;

    public SqliteGrainStorage(IOptions<SqliteGrainStorageOptions> options, Serializer serializer)
    {
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
            ? "INSERT INTO grain_state (grain_id, state_name, etag, payload) VALUES ($id, $name, 1, $payload) ON CONFLICT DO NOTHING"
            : "UPDATE grain_state SET etag = etag + 1, payload = $payload WHERE grain_id = $id AND state_name = $name AND etag = $etag";
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$payload", payload);
        command.Parameters.AddWithValue("$etag", expected);
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

    public void Dispose() => _init.Dispose();

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
                            PRIMARY KEY (grain_id, state_name));
                        """;
                    await create.ExecuteNonQueryAsync();
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
