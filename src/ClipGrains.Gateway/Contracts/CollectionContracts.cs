namespace ClipGrains.Gateway.Contracts;

/// <summary>A collection of stored vectors in one model's space.</summary>
/// <param name="Name">Its name, unique per tenant.</param>
/// <param name="Model">The model whose vectors it holds: text and image queries are encoded with it.</param>
/// <param name="Dimensions">The vectors' width.</param>
/// <param name="ItemCount">Live items.</param>
/// <param name="Bytes">Stored bytes counted against the tenant's quota.</param>
/// <param name="CreatedAt">Creation, Unix seconds.</param>
/// <param name="Shards">Shards its items are spread over.</param>
/// <param name="Index">How its shards index vectors.</param>
/// <param name="Metadata">The caller's metadata.</param>
/// <param name="ShardIndexes">Each shard's index now (with <c>include=index</c>); null otherwise.</param>
internal sealed record CollectionObject(
    string Name, string Model, int Dimensions, long ItemCount, long Bytes, long CreatedAt, int Shards, CollectionIndexObject Index,
    IReadOnlyDictionary<string, object> Metadata, IReadOnlyList<ShardIndexObject>? ShardIndexes = null)
{
    /// <summary>Always <c>collection</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "collection";
}

/// <summary>A collection's index settings.</summary>
/// <param name="Type"><c>auto</c> (exact scan up to <paramref name="FlatLimit"/> items per shard, HNSW above), <c>flat</c> or <c>hnsw</c>.</param>
/// <param name="Quantization">The graph's vector type: <c>i8</c>, <c>f16</c> or <c>f32</c>.</param>
/// <param name="M">HNSW links per node.</param>
/// <param name="EfConstruction">HNSW breadth while adding.</param>
/// <param name="EfSearch">HNSW breadth while searching.</param>
/// <param name="FlatLimit">Items per shard up to which <c>auto</c> scans exactly.</param>
internal sealed record CollectionIndexObject(string Type, string Quantization, int M, int EfConstruction, int EfSearch, int FlatLimit);

/// <summary>One shard's index now.</summary>
/// <param name="Shard">The shard's number.</param>
/// <param name="Kind"><c>flat</c> (exact scan), <c>building</c> (a graph being built; exact scans meanwhile) or <c>hnsw</c>.</param>
/// <param name="Items">Live items.</param>
/// <param name="IndexBytes">Memory the index holds: f32 vectors, ids and the graph.</param>
/// <param name="Tombstones">Deleted entries still in the graph.</param>
internal sealed record ShardIndexObject(int Shard, string Kind, long Items, long IndexBytes, long Tombstones);

/// <summary>One page of collections in name order.</summary>
internal sealed record CollectionList(IReadOnlyList<CollectionObject> Data, string? FirstId, string? LastId, bool HasMore)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}

/// <summary>The answer to a delete (OpenAI's shape).</summary>
/// <param name="Id">The collection's name or the item's id.</param>
/// <param name="Object"><c>collection.deleted</c> or <c>collection.item.deleted</c>.</param>
/// <param name="Deleted">Always true (a missing one is a 404).</param>
internal sealed record DeletedObject(string Id, string Object, bool Deleted);

/// <summary>A stored item.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Metadata">Its metadata.</param>
/// <param name="Bytes">What it counts against the quota.</param>
/// <param name="UpdatedAt">Its last write, Unix seconds.</param>
/// <param name="Embedding">Its unit vector, when asked for with <c>include=embedding</c>.</param>
/// <param name="Thumbnail">Its stored thumbnail as a data URI, when asked for with <c>include=thumbnail</c> and one was stored.</param>
internal sealed record CollectionItemObject(string Id, IReadOnlyDictionary<string, object> Metadata, long Bytes, long UpdatedAt, float[]? Embedding, string? Thumbnail = null)
{
    /// <summary>Always <c>collection.item</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "collection.item";
}

/// <summary>One page of items in id order.</summary>
internal sealed record CollectionItemList(IReadOnlyList<CollectionItemObject> Data, string? FirstId, string? LastId, bool HasMore)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}

/// <summary>One item's outcome in a write: <c>created</c>, <c>updated</c>, <c>deleted</c>, <c>not_found</c> or <c>failed</c>.</summary>
/// <param name="Id">The item's id (generated when the request gave none).</param>
/// <param name="Status">What happened to it.</param>
/// <param name="Error">Why it failed; null otherwise.</param>
internal sealed record ItemResultObject(string Id, string Status, ErrorDetail? Error);

/// <summary>The outcome of an items write or delete.</summary>
/// <param name="Data">One result per item, in request order.</param>
/// <param name="Usage">What was computed and charged.</param>
/// <param name="HasMore">A delete by filter that left matching items for the next request (it deletes a bounded number at a time).</param>
internal sealed record ItemResultList(IReadOnlyList<ItemResultObject> Data, CollectionUsage Usage, bool HasMore = false)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}

/// <summary>What a collection request computed and was charged.</summary>
/// <param name="PromptTokens">Text tokens encoded.</param>
/// <param name="Images">Images encoded.</param>
/// <param name="Items">Items stored, deleted or tagged.</param>
/// <param name="Credits">Credits charged.</param>
internal sealed record CollectionUsage(int PromptTokens, int Images, int Items, long Credits);

/// <summary>One search hit.</summary>
/// <param name="Id">The item.</param>
/// <param name="Score">Cosine similarity with the query (higher is closer; compare within one query, not across queries).</param>
/// <param name="Metadata">The item's metadata.</param>
internal sealed record SearchHitObject(string Id, double Score, IReadOnlyDictionary<string, object> Metadata);

/// <summary>How a search ran.</summary>
/// <param name="Exact">Whether every shard scanned exactly (else some walked an HNSW graph).</param>
/// <param name="Shards">Shards asked.</param>
/// <param name="EfSearch">The graph breadth used where a graph was walked.</param>
internal sealed record SearchInfo(bool Exact, int Shards, int EfSearch);

/// <summary>Search hits, best first.</summary>
internal sealed record SearchResultList(IReadOnlyList<SearchHitObject> Data, string Model, SearchInfo Search, CollectionUsage Usage)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}

/// <summary>One stored item's zero-shot tags, best first.</summary>
internal sealed record TaggedItem(string Id, IReadOnlyList<ScoredLabel> Labels);

/// <summary>A page of tagged items in id order.</summary>
internal sealed record TaggedItemList(IReadOnlyList<TaggedItem> Data, string? FirstId, string? LastId, bool HasMore, string Model, CollectionUsage Usage)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}
