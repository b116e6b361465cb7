namespace ClipGrains.Abstractions.Collections;

/// <summary>An item to store: its id, unit vector, metadata and optional thumbnail (a small JPEG).</summary>
[GenerateSerializer, Immutable, Alias("clipgrains.collection-item")]
public sealed record CollectionItem(
    [property: Id(0)] string Id,
    [property: Id(1)] float[] Vector,
    [property: Id(2)] IReadOnlyDictionary<string, MetaValue> Metadata,
    [property: Id(3)] byte[]? Thumbnail = null)
{
    /// <summary>
    /// What the item counts against the byte quota: its vector at 4 bytes a float, its id, its metadata as stored JSON and
    /// its thumbnail. The one formula every quota and the collection's <c>bytes</c> use.
    /// </summary>
    public long StoredBytes => StoredSize(Id, Vector.Length, MetadataJson.Write(Metadata).Length, Thumbnail?.Length ?? 0);

    /// <summary>The stored size of an item with these parts (bytes).</summary>
    public static long StoredSize(string id, int dimensions, int metadataBytes, int thumbnailBytes)
    {
        ArgumentNullException.ThrowIfNull(id);
        return (dimensions * (long)sizeof(float)) + System.Text.Encoding.UTF8.GetByteCount(id) + metadataBytes + thumbnailBytes;
    }
}

/// <summary>An item as stored: metadata, its vector when asked for, the sequence number of its last write.</summary>
[GenerateSerializer, Immutable, Alias("clipgrains.stored-item")]
public sealed record StoredItem(
    [property: Id(0)] string Id,
    [property: Id(1)] float[]? Vector,
    [property: Id(2)] IReadOnlyDictionary<string, MetaValue> Metadata,
    [property: Id(3)] long Sequence,
    [property: Id(4)] DateTimeOffset UpdatedAt,
    [property: Id(5)] long Bytes,
    [property: Id(6)] byte[]? Thumbnail = null);

/// <summary>One item's outcome in a batch: <c>created</c>, <c>updated</c>, <c>unchanged</c>, <c>deleted</c>, <c>not_found</c> or <c>failed</c>.</summary>
[GenerateSerializer, Immutable, Alias("clipgrains.item-result")]
public sealed record ItemResult(
    [property: Id(0)] string Id,
    [property: Id(1)] string Status,
    [property: Id(2)] string? Code = null,
    [property: Id(3)] string? Message = null);

/// <summary>One search hit: the item, its cosine with the query (higher is closer) and its metadata.</summary>
[GenerateSerializer, Immutable, Alias("clipgrains.search-hit")]
public sealed record SearchHit(
    [property: Id(0)] string Id,
    [property: Id(1)] float Score,
    [property: Id(2)] IReadOnlyDictionary<string, MetaValue> Metadata);

/// <summary>A search as one shard runs it.</summary>
/// <param name="Vector">The unit query vector.</param>
/// <param name="TopK">Hits wanted.</param>
/// <param name="Filter">Metadata filter; a filtered search still returns min(top_k, matches).</param>
/// <param name="Threshold">Lowest cosine returned.</param>
/// <param name="Exact">Scan every vector in f32 instead of walking the graph.</param>
/// <param name="Expansion">Graph search breadth asked for (0: the collection's).</param>
/// <param name="Exclude">An item not to return (the query item of a "more like this" search).</param>
[GenerateSerializer, Immutable, Alias("clipgrains.shard-query")]
public sealed record ShardQuery(
    [property: Id(0)] float[] Vector,
    [property: Id(1)] int TopK,
    [property: Id(2)] ItemFilter? Filter,
    [property: Id(3)] float? Threshold,
    [property: Id(4)] bool Exact,
    [property: Id(5)] int Expansion = 0,
    [property: Id(6)] string? Exclude = null);

/// <summary>One shard's answer: hits best first and how they were found.</summary>
[GenerateSerializer, Immutable, Alias("clipgrains.shard-hits")]
public sealed record ShardHits(
    [property: Id(0)] IReadOnlyList<SearchHit> Hits,
    [property: Id(1)] bool Exact);

/// <summary>
/// A page of items in id order. A filtered page stops after scanning a bounded number of rows: it may then hold fewer
/// items than asked with <see cref="HasMore"/> set, and <see cref="Cursor"/> is where the next page starts.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipgrains.item-page")]
public sealed record ItemPage(
    [property: Id(0)] IReadOnlyList<StoredItem> Items,
    [property: Id(1)] bool HasMore,
    [property: Id(2)] string? Cursor = null);
