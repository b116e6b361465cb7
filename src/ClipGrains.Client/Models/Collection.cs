using System.Text.Json;

namespace ClipGrains.Client.Models;

/// <summary>The body of a collection's creation.</summary>
/// <param name="Name">1-64 letters, digits, '.', '_' or '-'.</param>
/// <param name="Model">The model whose space the vectors live in; the server's default when null.</param>
/// <param name="Shards">Shards to spread its items over; the server's default when null.</param>
/// <param name="Index">Index settings; the server's defaults when null.</param>
/// <param name="Metadata">A flat object of strings, numbers, booleans and string arrays.</param>
public sealed record CreateCollectionRequest(string Name, string? Model = null, int? Shards = null, CollectionIndex? Index = null, IReadOnlyDictionary<string, JsonElement>? Metadata = null);

/// <summary>How a collection's shards index vectors.</summary>
/// <param name="Type"><c>auto</c>, <c>flat</c> or <c>hnsw</c>.</param>
/// <param name="Quantization"><c>i8</c>, <c>f16</c> or <c>f32</c>.</param>
/// <param name="M">HNSW links per node.</param>
/// <param name="EfConstruction">HNSW breadth while adding.</param>
/// <param name="EfSearch">HNSW breadth while searching.</param>
/// <param name="FlatLimit">Items per shard up to which <c>auto</c> scans exactly.</param>
public sealed record CollectionIndex(string? Type = null, string? Quantization = null, int? M = null, int? EfConstruction = null, int? EfSearch = null, int? FlatLimit = null);

/// <summary>A collection.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Model">The model of its vectors.</param>
/// <param name="Dimensions">Their width.</param>
/// <param name="ItemCount">Live items.</param>
/// <param name="Bytes">Stored bytes counted against the quota.</param>
/// <param name="CreatedAt">Creation, Unix seconds.</param>
/// <param name="Shards">Its shards.</param>
/// <param name="Index">Its index settings.</param>
/// <param name="Metadata">The caller's metadata.</param>
public sealed record CollectionInfo(
    string Name, string Model, int Dimensions, long ItemCount, long Bytes, long CreatedAt, int Shards, CollectionIndex Index, IReadOnlyDictionary<string, JsonElement> Metadata);

/// <summary>One page of collections in name order.</summary>
/// <param name="Data">The collections.</param>
/// <param name="HasMore">Whether another page follows (ask with <c>after</c> = <paramref name="LastId"/>).</param>
/// <param name="LastId">The last name on the page.</param>
public sealed record CollectionPage(IReadOnlyList<CollectionInfo> Data, bool HasMore, string? LastId);

/// <summary>An item to store: exactly one of <paramref name="Image"/>, <paramref name="ImageUrl"/>, <paramref name="Text"/> or <paramref name="Embedding"/>.</summary>
/// <param name="Id">1-128 printable ASCII characters; the server generates one when null.</param>
/// <param name="Image">An image as a data URI or base64.</param>
/// <param name="ImageUrl">An image URL (where the server allows them).</param>
/// <param name="Text">A text.</param>
/// <param name="Embedding">A vector of the collection's width.</param>
/// <param name="Metadata">A flat object of strings, numbers, booleans and string arrays.</param>
public sealed record ItemInput(
    string? Id = null, string? Image = null, string? ImageUrl = null, string? Text = null, IReadOnlyList<float>? Embedding = null,
    IReadOnlyDictionary<string, JsonElement>? Metadata = null)
{
    /// <summary>An item from an image file's bytes (sent as a data URI; the server sniffs the format).</summary>
    public static ItemInput FromImage(string? id, byte[] image, IReadOnlyDictionary<string, JsonElement>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new ItemInput(id, "data:application/octet-stream;base64," + Convert.ToBase64String(image), Metadata: metadata);
    }
}

/// <summary>The outcome of an items write or delete.</summary>
/// <param name="Data">One result per item, in request order.</param>
/// <param name="Usage">What was computed and charged.</param>
public sealed record ItemResults(IReadOnlyList<ItemResult> Data, CollectionUsage Usage);

/// <summary>One item's outcome: <c>created</c>, <c>updated</c>, <c>deleted</c>, <c>not_found</c> or <c>failed</c>.</summary>
/// <param name="Id">The item (generated when the request gave none).</param>
/// <param name="Status">What happened.</param>
/// <param name="Error">Why it failed.</param>
public sealed record ItemResult(string Id, string Status, ItemError? Error = null);

/// <summary>Why one item failed, in OpenAI's error shape.</summary>
/// <param name="Message">What to fix.</param>
/// <param name="Code">The error code.</param>
/// <param name="Param">The field at fault.</param>
public sealed record ItemError(string Message, string? Code, string? Param);

/// <summary>What a collection request computed and was charged.</summary>
/// <param name="PromptTokens">Text tokens encoded.</param>
/// <param name="Images">Images encoded.</param>
/// <param name="Items">Items stored, deleted or tagged.</param>
/// <param name="Credits">Credits charged.</param>
public sealed record CollectionUsage(int PromptTokens, int Images, int Items, long Credits);

/// <summary>A stored item.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Metadata">Its metadata.</param>
/// <param name="Bytes">What it counts against the quota.</param>
/// <param name="UpdatedAt">Its last write, Unix seconds.</param>
/// <param name="Embedding">Its vector, when asked for.</param>
public sealed record StoredItem(string Id, IReadOnlyDictionary<string, JsonElement> Metadata, long Bytes, long UpdatedAt, IReadOnlyList<float>? Embedding = null);

/// <summary>One page of items in id order.</summary>
/// <param name="Data">The items.</param>
/// <param name="HasMore">Whether another page follows.</param>
/// <param name="LastId">The last id on the page: the next page's <c>after</c>.</param>
public sealed record ItemPage(IReadOnlyList<StoredItem> Data, bool HasMore, string? LastId);

/// <summary>A metadata filter: <see cref="Eq"/> and friends, combined with <see cref="And"/> / <see cref="Or"/>.</summary>
/// <param name="Type">The operator.</param>
/// <param name="Key">The metadata key (comparisons).</param>
/// <param name="Value">The value (comparisons).</param>
/// <param name="Filters">The operands (and/or).</param>
public sealed record Filter(string Type, string? Key = null, JsonElement? Value = null, IReadOnlyList<Filter>? Filters = null)
{
    /// <summary>A comparison: <c>eq ne gt gte lt lte in nin</c>.</summary>
    public static Filter Compare(string type, string key, JsonElement value) => new(type, key, value);

    /// <summary><paramref name="key"/> equals <paramref name="value"/> (or, for a string array, contains it).</summary>
    public static Filter Eq(string key, string value) => new("eq", key, JsonSerializer.SerializeToElement(value, ClientJson.Default.String));

    /// <summary>All of <paramref name="filters"/>.</summary>
    public static Filter And(params Filter[] filters) => new("and", Filters: filters);

    /// <summary>Any of <paramref name="filters"/>.</summary>
    public static Filter Or(params Filter[] filters) => new("or", Filters: filters);
}

/// <summary>A search: exactly one query field, and how many hits.</summary>
/// <param name="Query">What to look for.</param>
/// <param name="TopK">Hits wanted, 1-100.</param>
/// <param name="Filter">Only items whose metadata passes.</param>
/// <param name="ScoreThreshold">Lowest cosine returned.</param>
/// <param name="Exact">Scan every vector instead of walking the graph.</param>
public sealed record SearchRequest(SearchQuery Query, int? TopK = null, Filter? Filter = null, double? ScoreThreshold = null, bool? Exact = null);

/// <summary>A query: exactly one field.</summary>
/// <param name="Text">A text.</param>
/// <param name="Image">An image as a data URI or base64.</param>
/// <param name="ImageUrl">An image URL.</param>
/// <param name="ItemId">A stored item ("more like this"; the item itself is left out).</param>
/// <param name="Embedding">A vector of the collection's width.</param>
public sealed record SearchQuery(string? Text = null, string? Image = null, string? ImageUrl = null, string? ItemId = null, IReadOnlyList<float>? Embedding = null);

/// <summary>Search hits, best first.</summary>
/// <param name="Data">The hits.</param>
/// <param name="Model">The collection's model.</param>
/// <param name="Usage">What was charged.</param>
public sealed record SearchResults(IReadOnlyList<SearchHit> Data, string Model, CollectionUsage Usage);

/// <summary>One hit.</summary>
/// <param name="Id">The item.</param>
/// <param name="Score">Cosine with the query (higher is closer).</param>
/// <param name="Metadata">The item's metadata.</param>
public sealed record SearchHit(string Id, double Score, IReadOnlyDictionary<string, JsonElement> Metadata);

/// <summary>Zero-shot tagging of stored items: a label set or labels.</summary>
/// <param name="LabelSet">A label set of the collection's model.</param>
/// <param name="Labels">Ad-hoc labels.</param>
/// <param name="TopK">Labels per item.</param>
/// <param name="Filter">Only items whose metadata passes.</param>
/// <param name="Limit">Items per page.</param>
/// <param name="After">The previous page's last id.</param>
public sealed record ClassifyItemsRequest(string? LabelSet = null, IReadOnlyList<string>? Labels = null, int? TopK = null, Filter? Filter = null, int? Limit = null, string? After = null);

/// <summary>A page of tagged items in id order.</summary>
/// <param name="Data">The items with their labels, best first.</param>
/// <param name="HasMore">Whether another page follows.</param>
/// <param name="LastId">The last id: the next page's <c>after</c>.</param>
/// <param name="Usage">What was charged.</param>
public sealed record TaggedItems(IReadOnlyList<TaggedItem> Data, bool HasMore, string? LastId, CollectionUsage Usage);

/// <summary>One stored item's tags.</summary>
/// <param name="Id">The item.</param>
/// <param name="Labels">Its labels, best first.</param>
public sealed record TaggedItem(string Id, IReadOnlyList<LabelScore> Labels);
