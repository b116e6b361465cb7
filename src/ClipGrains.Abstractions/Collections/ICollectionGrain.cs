using Orleans.Concurrency;

namespace ClipGrains.Abstractions.Collections;

/// <summary>What a collection write came to.</summary>
public enum CollectionOutcome
{
    /// <summary>Done.</summary>
    Done = 0,

    /// <summary>The collection does not exist.</summary>
    NotFound = 1,

    /// <summary>A collection of that name exists already.</summary>
    AlreadyExists = 2,

    /// <summary>The tenant's quota would be exceeded; nothing was written.</summary>
    QuotaExceeded = 3,
}

/// <summary>A write's outcome, the collection after it, per-item results and, when refused, why.</summary>
[GenerateSerializer, Immutable, Alias("clipgrains.collection-write")]
public sealed record CollectionWrite(
    [property: Id(0)] CollectionOutcome Outcome,
    [property: Id(1)] CollectionInfo? Info,
    [property: Id(2)] IReadOnlyList<ItemResult> Items,
    [property: Id(3)] string? Message = null,
    [property: Id(4)] bool HasMore = false);

/// <summary>
/// One collection, keyed <c>{tenant}/{name}</c>: the single writer of its definition and counts, which routes items to
/// shards by id (<see cref="CollectionKey.ShardOf"/>) and takes the tenant's quota before any write. Searches do not pass
/// through it: callers read <see cref="GetInfo"/> and ask every shard (<see cref="ICollectionShardGrain"/>).
/// </summary>
[Alias("clipgrains.ICollectionGrain")]
public interface ICollectionGrain : IGrainWithStringKey
{
    /// <summary>Creates the collection (<see cref="CollectionOutcome.AlreadyExists"/> if it exists; quota checked).</summary>
    [Alias("Create")]
    Task<CollectionWrite> Create(CollectionInfo definition);

    /// <summary>Deletes the collection, its items and its shards' indexes; frees its quota. False when it did not exist.</summary>
    [Alias("Delete")]
    Task<bool> Delete();

    /// <summary>The collection, or null when it does not exist.</summary>
    [AlwaysInterleave, Alias("GetInfo")]
    Task<CollectionInfo?> GetInfo();

    /// <summary>
    /// Stores <paramref name="items"/> (an existing id is replaced), durably, before it returns: a search that starts after
    /// the reply sees them. Refused whole when the tenant's quota cannot take the batch.
    /// </summary>
    [Alias("Upsert")]
    Task<CollectionWrite> Upsert(IReadOnlyList<CollectionItem> items);

    /// <summary>
    /// Why the tenant's quota could not take these items now (null when it can): asked before any item is encoded, so a
    /// tenant at its quota costs no encoding. The upsert checks again, atomically, when it writes.
    /// </summary>
    [AlwaysInterleave, Alias("CheckRoom")]
    Task<string?> CheckRoom(IReadOnlyList<string> ids, long bytes);

    /// <summary>Deletes items by id; an unknown id is <c>not_found</c>.</summary>
    [Alias("DeleteItems")]
    Task<CollectionWrite> DeleteItems(IReadOnlyList<string> ids);

    /// <summary>
    /// Deletes the first <see cref="CollectionOptions.MaxDeletesPerRequest"/> items (in id order) whose metadata passes
    /// <paramref name="filter"/>; the results list the ids deleted, and <see cref="CollectionWrite.HasMore"/> says more match.
    /// </summary>
    [Alias("DeleteMatching")]
    Task<CollectionWrite> DeleteMatching(ItemFilter filter);

    /// <summary>Live items in id order after <paramref name="after"/> (null: from the first), passing <paramref name="filter"/>.</summary>
    [AlwaysInterleave, Alias("Page")]
    Task<ItemPage?> Page(string? after, int limit, ItemFilter? filter, bool withVectors);

    /// <summary>One live item with its vector, or null.</summary>
    [AlwaysInterleave, Alias("GetItem")]
    Task<StoredItem?> GetItem(string id, bool withThumbnail);
}

/// <summary>
/// One shard of a collection, keyed <c>{uid}/{shard}</c> (<see cref="CollectionKey.Shard"/>): an in-memory index built
/// from the store on activation, the single writer of its rows. Reads interleave; a write waits for them.
/// </summary>
[Alias("clipgrains.ICollectionShardGrain")]
public interface ICollectionShardGrain : IGrainWithStringKey
{
    /// <summary>Stored bytes of the ids that exist (absent ones are left out).</summary>
    [ReadOnly, Alias("Sizes")]
    Task<IReadOnlyDictionary<string, long>> Sizes(IReadOnlyList<string> ids);

    /// <summary>
    /// Writes upserts and deletes to the store in one transaction, then to the index; returns per-item results in the
    /// order given (upserts first) and the change in items and bytes.
    /// </summary>
    [Alias("Apply")]
    Task<ShardChange> Apply(IReadOnlyList<CollectionItem> upserts, IReadOnlyList<string> deletes, IndexSettings index);

    /// <summary>The first <paramref name="limit"/> ids (ordinal order) of live items passing <paramref name="filter"/>.</summary>
    [ReadOnly, Alias("Matching")]
    Task<IReadOnlyList<string>> Matching(ItemFilter filter, int limit, IndexSettings index);

    /// <summary>The best hits of this shard for <paramref name="query"/>, best first.</summary>
    [ReadOnly, Alias("Search")]
    Task<ShardHits> Search(ShardQuery query, IndexSettings index);

    /// <summary>This shard's index in figures.</summary>
    [ReadOnly, Alias("Describe")]
    Task<ShardStats> Describe(IndexSettings index);

    /// <summary>
    /// Waits until the index the settings call for is built (a graph builds in the background; searches scan exactly
    /// meanwhile), then describes it. For operators and tests; searches never wait for it.
    /// </summary>
    [ReadOnly, Alias("WhenBuilt")]
    Task<ShardStats> WhenBuilt(IndexSettings index);

    /// <summary>Forgets the index and deactivates (the collection deletes the rows).</summary>
    [Alias("Drop")]
    Task Drop();
}

/// <summary>What one shard write changed.</summary>
[GenerateSerializer, Immutable, Alias("clipgrains.shard-change")]
public sealed record ShardChange(
    [property: Id(0)] IReadOnlyList<ItemResult> Items,
    [property: Id(1)] long ItemDelta,
    [property: Id(2)] long ByteDelta);

/// <summary>One shard's index in figures.</summary>
/// <param name="Items">Live items.</param>
/// <param name="Kind"><c>flat</c> or <c>hnsw</c>.</param>
/// <param name="IndexBytes">Memory the index holds (vectors, graph, ids).</param>
/// <param name="Tombstones">Deleted entries still in the graph until a rebuild.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.shard-stats")]
public sealed record ShardStats(
    [property: Id(0)] long Items,
    [property: Id(1)] string Kind,
    [property: Id(2)] long IndexBytes,
    [property: Id(3)] long Tombstones);

/// <summary>
/// One tenant's collections (keyed by tenant id): names for listing and the items and bytes each holds, the single
/// writer of the tenant's collection quota; writes persist before they reply.
/// </summary>
[Alias("clipgrains.ICollectionDirectoryGrain")]
public interface ICollectionDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Adds a name when the tenant has room for another collection; otherwise returns why.</summary>
    [Alias("Add")]
    Task<string?> Add(string name, int maxCollections);

    /// <summary>
    /// Moves <paramref name="name"/>'s counts by the deltas when the tenant stays within its item and byte quotas (a
    /// shrink always passes); otherwise changes nothing and returns why.
    /// </summary>
    [Alias("Grow")]
    Task<string?> Grow(string name, long items, long bytes, long maxItems, long maxBytes);

    /// <summary>Why growing <paramref name="name"/> by these deltas would pass a quota (null when it would not); changes nothing.</summary>
    [AlwaysInterleave, Alias("Check")]
    Task<string?> Check(string name, long items, long bytes, long maxItems, long maxBytes);

    /// <summary>Sets <paramref name="name"/>'s counts to what its store holds (after a write, or a recount on activation).</summary>
    [Alias("Record")]
    Task Record(string name, long items, long bytes);

    /// <summary>Forgets a name and frees its quota; idempotent.</summary>
    [Alias("Remove")]
    Task Remove(string name);

    /// <summary>All names, ordinal order.</summary>
    [AlwaysInterleave, Alias("List")]
    Task<IReadOnlyList<string>> List();

    /// <summary>The tenant's totals: collections, items, bytes.</summary>
    [AlwaysInterleave, Alias("Totals")]
    Task<(int Collections, long Items, long Bytes)> Totals();
}
