using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace ClipGrains.Grains.Postgres;

/// <summary>
/// Durable grain state in PostgreSQL for multi-silo clusters: the same contract as the SQLite store (Orleans'
/// binary serializer, an integer row version as etag, every write a compare-and-swap on it), so a stale activation
/// left on a silo that was declared dead can never overwrite what its successor wrote.
/// </summary>
internal sealed class PostgresGrainStorage(PostgresDatabase database, Serializer serializer, IOptions<ClusterOptions> cluster) : IGrainStorage, Storage.IStateExpiry
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        PostgresDatabase.Guard(() => ReadStateCoreAsync(stateName, grainId, grainState));

    private async Task ReadStateCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await database.OpenAsync();
        await using var command = Command(connection, "SELECT etag, payload FROM clipgrains_grain_state WHERE service_id = @s AND grain_id = @g AND state_name = @n", stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            grainState.ETag = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
            grainState.State = serializer.Deserialize<T>(reader.GetFieldValue<byte[]>(1));
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        PostgresDatabase.Guard(() => WriteStateCoreAsync(stateName, grainId, grainState));

    private async Task WriteStateCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.SerializeToArray(grainState.State);
        var expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        await using var connection = await database.OpenAsync();
        await using var command = Command(connection, expected == 0
            ? "INSERT INTO clipgrains_grain_state (service_id, grain_id, state_name, etag, payload) VALUES (@s, @g, @n, 1, @p) ON CONFLICT DO NOTHING"
            : "UPDATE clipgrains_grain_state SET etag = etag + 1, payload = @p, updated_at = now() WHERE service_id = @s AND grain_id = @g AND state_name = @n AND etag = @e",
            stateName, grainId);
        command.Parameters.AddWithValue("p", payload);
        command.Parameters.AddWithValue("e", expected);
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InconsistentStateException(
                $"State {stateName} of {grainId} changed since it was read (etag {grainState.ETag ?? "none"}).", await CurrentEtagAsync(connection, stateName, grainId), grainState.ETag);
        }

        grainState.ETag = (expected + 1).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        PostgresDatabase.Guard(() => ClearStateCoreAsync(stateName, grainId, grainState));

    private async Task ClearStateCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            await using var connection = await database.OpenAsync();
            await using var command = Command(connection, "DELETE FROM clipgrains_grain_state WHERE service_id = @s AND grain_id = @g AND state_name = @n AND etag = @e", stateName, grainId);
            command.Parameters.AddWithValue("e", long.Parse(grainState.ETag, CultureInfo.InvariantCulture));
            if (await command.ExecuteNonQueryAsync() != 1)
            {
                throw new InconsistentStateException(
                    $"State {stateName} of {grainId} changed since it was read.", await CurrentEtagAsync(connection, stateName, grainId), grainState.ETag);
            }
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    public async Task<int> DeleteWrittenBeforeAsync(string stateName, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "DELETE FROM clipgrains_grain_state WHERE service_id = @s AND state_name = @n AND updated_at < @cutoff", connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("n", stateName);
        command.Parameters.AddWithValue("cutoff", cutoff.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<string?> CurrentEtagAsync(NpgsqlConnection connection, string stateName, GrainId grainId)
    {
        await using var command = Command(connection, "SELECT etag FROM clipgrains_grain_state WHERE service_id = @s AND grain_id = @g AND state_name = @n", stateName, grainId);
        return await command.ExecuteScalarAsync() is long etag ? etag.ToString(CultureInfo.InvariantCulture) : null;
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, string sql, string stateName, GrainId grainId)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("g", grainId.ToString());
        command.Parameters.AddWithValue("n", stateName);
        return command;
    }
}
