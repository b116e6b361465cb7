namespace ClipGrains.Abstractions.Collections;

/// <summary>A collection as the API shows it.</summary>
/// <param name="Name">Unique per tenant.</param>
/// <param name="Uid">This incarnation's id (<c>col_…</c>): its shards and stored items are keyed by it.</param>
/// <param name="Model">The deployment whose vector space the items live in.</param>
/// <param name="Dimensions">The vectors' width.</param>
/// <param name="Shards">How many shard grains hold its items (fixed at creation).</param>
/// <param name="Index">How the shards index.</param>
/// <param name="Metadata">The caller's own metadata.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ItemCount">Live items.</param>
/// <param name="Bytes">Stored bytes (vectors, ids, metadata, thumbnails), counted against the tenant's quota.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.collection-info")]
public sealed record CollectionInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Uid,
    [property: Id(2)] string Model,
    [property: Id(3)] int Dimensions,
    [property: Id(4)] int Shards,
    [property: Id(5)] IndexSettings Index,
    [property: Id(6)] IReadOnlyDictionary<string, MetaValue> Metadata,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] long ItemCount,
    [property: Id(9)] long Bytes);
