namespace ClipGrains.Grains.Collections;

/// <summary>One stored row of a shard: a live item, or the tombstone of a deleted one (no vector).</summary>
/// <param name="Id">The item id.</param>
/// <param name="Sequence">The shard's sequence number of the row's last write (increasing per shard).</param>
/// <param name="Vector">The unit vector; null for a tombstone.</param>
/// <param name="Metadata">Metadata as stored JSON.</param>
/// <param name="Thumbnail">The thumbnail's bytes, when kept.</param>
/// <param name="Bytes">What the item counts against the quota (0 for a tombstone).</param>
/// <param name="UpdatedAt">When the row was written.</param>
internal sealed record ShardRow(string Id, long Sequence, float[]? Vector, byte[] Metadata, byte[]? Thumbnail, long Bytes, DateTimeOffset UpdatedAt)
{
    public bool Deleted => Vector is null;
}

/// <summary>
/// Where collections' items live — the source of truth every shard index is built from (SQLite on one machine,
/// PostgreSQL in a cluster, memory in tests; the same conformance suite for all). Rows are keyed by (collection uid, item
/// id); each belongs to one shard, whose grain is its only writer.
/// </summary>
internal interface ICollectionStore
{
    /// <summary>Writes rows of one shard (upserts and tombstones) in one transaction: all or none are durable.</summary>
    Task WriteAsync(string uid, int shard, IReadOnlyList<ShardRow> rows, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> rows of a shard with sequence above <paramref name="afterSequence"/>, tombstones included, in sequence order.</summary>
    Task<IReadOnlyList<ShardRow>> ReadShardAsync(string uid, int shard, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>The shard's highest sequence number (0 when it has no rows).</summary>
    Task<long> LastSequenceAsync(string uid, int shard, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> live items of a collection in ordinal id order after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<ShardRow>> PageAsync(string uid, string? after, int limit, bool withVectors, CancellationToken cancellationToken = default);

    /// <summary>One live item, or null.</summary>
    Task<ShardRow?> GetAsync(string uid, string id, CancellationToken cancellationToken = default);

    /// <summary>Live items and their bytes.</summary>
    Task<(long Items, long Bytes)> CountAsync(string uid, CancellationToken cancellationToken = default);

    /// <summary>Deletes every row of a collection (tombstones too).</summary>
    Task DeleteCollectionAsync(string uid, CancellationToken cancellationToken = default);
}
