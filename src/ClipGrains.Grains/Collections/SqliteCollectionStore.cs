using ClipGrains.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace ClipGrains.Grains.Collections;

/// <summary>Collections' items in the single-machine database's <c>collection_items</c> table (schema version 4).</summary>
internal sealed class SqliteCollectionStore(SqliteDatabase database) : ICollectionStore
{
    private const string Columns = "item_id, seq, vector, metadata, thumbnail, bytes, updated_at";

    public async Task WriteAsync(string uid, int shard, IReadOnlyList<ShardRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO collection_items (collection_uid, item_id, shard, seq, vector, metadata, thumbnail, bytes, updated_at)
            VALUES ($uid, $id, $shard, $seq, $vector, $metadata, $thumbnail, $bytes, $at)
            ON CONFLICT (collection_uid, item_id) DO UPDATE SET seq = excluded.seq, vector = excluded.vector, metadata = excluded.metadata,
                thumbnail = excluded.thumbnail, bytes = excluded.bytes, updated_at = excluded.updated_at
            """;
        command.Parameters.AddWithValue("$uid", uid);
        command.Parameters.AddWithValue("$shard", shard);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        var vector = command.Parameters.Add("$vector", SqliteType.Blob);
        var metadata = command.Parameters.Add("$metadata", SqliteType.Blob);
        var thumbnail = command.Parameters.Add("$thumbnail", SqliteType.Blob);
        var bytes = command.Parameters.Add("$bytes", SqliteType.Integer);
        var at = command.Parameters.Add("$at", SqliteType.Integer);
        foreach (var row in rows)
        {
            id.Value = row.Id;
            seq.Value = row.Sequence;
            vector.Value = row.Vector is null ? DBNull.Value : VectorBytes.Write(row.Vector);
            metadata.Value = row.Metadata;
            thumbnail.Value = (object?)row.Thumbnail ?? DBNull.Value;
            bytes.Value = row.Bytes;
            at.Value = row.UpdatedAt.ToUnixTimeMilliseconds();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ShardRow>> ReadShardAsync(string uid, int shard, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM collection_items WHERE collection_uid = $uid AND shard = $shard AND seq > $after ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$uid", uid);
        command.Parameters.AddWithValue("$shard", shard);
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAsync(command, withVectors: true, withThumbnails: false, cancellationToken);
    }

    public async Task<long> LastSequenceAsync(string uid, int shard, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM collection_items WHERE collection_uid = $uid AND shard = $shard";
        command.Parameters.AddWithValue("$uid", uid);
        command.Parameters.AddWithValue("$shard", shard);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<ShardRow>> PageAsync(string uid, string? after, int limit, bool withVectors, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM collection_items
            WHERE collection_uid = $uid AND vector IS NOT NULL AND item_id > $after ORDER BY item_id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$uid", uid);
        command.Parameters.AddWithValue("$after", after ?? string.Empty);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAsync(command, withVectors, withThumbnails: false, cancellationToken);
    }

    public async Task<ShardRow?> GetAsync(string uid, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM collection_items WHERE collection_uid = $uid AND item_id = $id AND vector IS NOT NULL";
        command.Parameters.AddWithValue("$uid", uid);
        command.Parameters.AddWithValue("$id", id);
        var rows = await ReadAsync(command, withVectors: true, withThumbnails: true, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<(long Items, long Bytes)> CountAsync(string uid, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM collection_items WHERE collection_uid = $uid AND vector IS NOT NULL";
        command.Parameters.AddWithValue("$uid", uid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task DeleteCollectionAsync(string uid, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM collection_items WHERE collection_uid = $uid";
        command.Parameters.AddWithValue("$uid", uid);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<ShardRow>> ReadAsync(SqliteCommand command, bool withVectors, bool withThumbnails, CancellationToken cancellationToken)
    {
        var rows = new List<ShardRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var vector = reader.IsDBNull(2) ? null : withVectors ? VectorBytes.Read((byte[])reader.GetValue(2)) : [];
            var thumbnail = withThumbnails && !reader.IsDBNull(4) ? (byte[])reader.GetValue(4) : null;
            rows.Add(new ShardRow(
                reader.GetString(0), reader.GetInt64(1), vector, (byte[])reader.GetValue(3), thumbnail, reader.GetInt64(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return rows;
    }
}
