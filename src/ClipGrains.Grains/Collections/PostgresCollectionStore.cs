using ClipGrains.Grains.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;

namespace ClipGrains.Grains.Collections;

/// <summary>Collections' items in PostgreSQL's <c>clipgrains_collection_items</c> (schema version 4), a write batch per round trip.</summary>
internal sealed class PostgresCollectionStore(PostgresDatabase database, IOptions<ClusterOptions> cluster) : ICollectionStore
{
    private const string Columns = "item_id, seq, vector, metadata, thumbnail, bytes, updated_at";
    private readonly string _serviceId = cluster.Value.ServiceId;

    public Task WriteAsync(string uid, int shard, IReadOnlyList<ShardRow> rows, CancellationToken cancellationToken = default) => PostgresDatabase.Guard(async () =>
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var connection = await database.OpenAsync(cancellationToken);

        // One statement for the batch (one transaction by itself): the arrays are unnested into rows server-side.
        await using var command = new NpgsqlCommand("""
            INSERT INTO clipgrains_collection_items (service_id, collection_uid, shard, item_id, seq, vector, metadata, thumbnail, bytes, updated_at)
            SELECT @s, @uid, @shard, * FROM unnest(@id, @seq, @vector, @metadata, @thumbnail, @bytes, @at)
            ON CONFLICT (service_id, collection_uid, item_id) DO UPDATE SET seq = excluded.seq, vector = excluded.vector,
                metadata = excluded.metadata, thumbnail = excluded.thumbnail, bytes = excluded.bytes, updated_at = excluded.updated_at
            """, connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("uid", uid);
        command.Parameters.AddWithValue("shard", shard);
        command.Parameters.AddWithValue("id", rows.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue("seq", rows.Select(r => r.Sequence).ToArray());
        command.Parameters.Add(new NpgsqlParameter("vector", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = rows.Select(r => r.Vector is null ? null : VectorBytes.Write(r.Vector)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("metadata", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = rows.Select(r => r.Metadata).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("thumbnail", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = rows.Select(r => r.Thumbnail).ToArray() });
        command.Parameters.AddWithValue("bytes", rows.Select(r => r.Bytes).ToArray());
        command.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.UpdatedAt.UtcDateTime).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    });

    public Task<IReadOnlyList<ShardRow>> ReadShardAsync(string uid, int shard, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        PostgresDatabase.Guard(async () =>
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"""
                SELECT {Columns} FROM clipgrains_collection_items
                WHERE service_id = @s AND collection_uid = @uid AND shard = @shard AND seq > @after ORDER BY seq LIMIT @limit
                """, connection);
            command.Parameters.AddWithValue("s", _serviceId);
            command.Parameters.AddWithValue("uid", uid);
            command.Parameters.AddWithValue("shard", shard);
            command.Parameters.AddWithValue("after", afterSequence);
            command.Parameters.AddWithValue("limit", limit);
            return await ReadAsync(command, withVectors: true, withThumbnails: false, cancellationToken);
        });

    public Task<long> LastSequenceAsync(string uid, int shard, CancellationToken cancellationToken = default) => PostgresDatabase.Guard(async () =>
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT COALESCE(MAX(seq), 0) FROM clipgrains_collection_items WHERE service_id = @s AND collection_uid = @uid AND shard = @shard", connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("uid", uid);
        command.Parameters.AddWithValue("shard", shard);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    public Task<IReadOnlyList<ShardRow>> PageAsync(string uid, string? after, int limit, bool withVectors, CancellationToken cancellationToken = default) =>
        PostgresDatabase.Guard(async () =>
        {
            await using var connection = await database.OpenAsync(cancellationToken);

            // COLLATE "C": ordinal order, the same as SQLite's and the cursor's, whatever the database's collation.
            await using var command = new NpgsqlCommand($"""
                SELECT {Columns} FROM clipgrains_collection_items
                WHERE service_id = @s AND collection_uid = @uid AND vector IS NOT NULL AND item_id COLLATE "C" > @after
                ORDER BY item_id COLLATE "C" LIMIT @limit
                """, connection);
            command.Parameters.AddWithValue("s", _serviceId);
            command.Parameters.AddWithValue("uid", uid);
            command.Parameters.AddWithValue("after", after ?? string.Empty);
            command.Parameters.AddWithValue("limit", limit);
            return await ReadAsync(command, withVectors, withThumbnails: false, cancellationToken);
        });

    public Task<ShardRow?> GetAsync(string uid, string id, CancellationToken cancellationToken = default) => PostgresDatabase.Guard(async () =>
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM clipgrains_collection_items WHERE service_id = @s AND collection_uid = @uid AND item_id = @id AND vector IS NOT NULL", connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("uid", uid);
        command.Parameters.AddWithValue("id", id);
        var rows = await ReadAsync(command, withVectors: true, withThumbnails: true, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    });

    public Task<(long Items, long Bytes)> CountAsync(string uid, CancellationToken cancellationToken = default) => PostgresDatabase.Guard(async () =>
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*), COALESCE(SUM(bytes), 0)::bigint FROM clipgrains_collection_items WHERE service_id = @s AND collection_uid = @uid AND vector IS NOT NULL", connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("uid", uid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    });

    public Task DeleteCollectionAsync(string uid, CancellationToken cancellationToken = default) => PostgresDatabase.Guard(async () =>
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM clipgrains_collection_items WHERE service_id = @s AND collection_uid = @uid", connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("uid", uid);
        await command.ExecuteNonQueryAsync(cancellationToken);
    });

    private static async Task<IReadOnlyList<ShardRow>> ReadAsync(NpgsqlCommand command, bool withVectors, bool withThumbnails, CancellationToken cancellationToken)
    {
        var rows = new List<ShardRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var vector = reader.IsDBNull(2) ? null : withVectors ? VectorBytes.Read(reader.GetFieldValue<byte[]>(2)) : [];
            var thumbnail = withThumbnails && !reader.IsDBNull(4) ? reader.GetFieldValue<byte[]>(4) : null;
            rows.Add(new ShardRow(
                reader.GetString(0), reader.GetInt64(1), vector, reader.GetFieldValue<byte[]>(3), thumbnail, reader.GetInt64(5),
                new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero)));
        }

        return rows;
    }
}
