using System.Text.Json.Serialization;

namespace ClipGrains.Gateway.Contracts.Requests;

// Request bodies as the OpenAPI document shows them. The endpoints read bodies with the bounded JSON reader
// (Inputs/JsonBody), not by binding these types.

/// <summary>The body of <c>POST /v1/collections</c>.</summary>
/// <param name="Name">1-64 letters, digits, '.', '_' or '-'.</param>
/// <param name="Model">The model whose space the vectors live in; the default when absent.</param>
/// <param name="Metadata">A flat object of the caller's own.</param>
/// <param name="Shards">Shards to spread items over (fixed for the collection's life).</param>
/// <param name="Index">Index settings; the server's defaults when absent.</param>
internal sealed record CollectionBody([property: JsonRequired] string Name, string? Model = null, IReadOnlyDictionary<string, object>? Metadata = null, int? Shards = null, CollectionIndexBody? Index = null);

/// <summary>Index settings of a new collection; absent fields take the server's defaults.</summary>
internal sealed record CollectionIndexBody(string? Type = null, string? Quantization = null, int? M = null, int? EfConstruction = null, int? EfSearch = null, int? FlatLimit = null);

/// <summary>The body of <c>POST /v1/collections/{name}/items</c>.</summary>
/// <param name="Items">Up to 100 items; an existing id is replaced.</param>
internal sealed record ItemsBody([property: JsonRequired] IReadOnlyList<ItemBody> Items);

/// <summary>One item to store: exactly one of <paramref name="Image"/>, <paramref name="ImageUrl"/>, <paramref name="Text"/>, <paramref name="Embedding"/>.</summary>
/// <param name="Id">1-128 printable ASCII characters; generated when absent.</param>
/// <param name="Image">An image as base64 or a data URI.</param>
/// <param name="ImageUrl">An image URL (where URL inputs are enabled) or a data URI.</param>
/// <param name="Text">A text, embedded with the collection's model.</param>
/// <param name="Embedding">A vector of the collection's width, unit-normalised on the way in.</param>
/// <param name="Metadata">A flat object of strings, numbers, booleans and arrays of strings.</param>
/// <param name="Thumbnail">A small JPEG, PNG or WebP preview to store with the item (data URI or base64, at most 32 KiB), returned by <c>include=thumbnail</c>.</param>
internal sealed record ItemBody(
    string? Id = null, string? Image = null, string? ImageUrl = null, string? Text = null, IReadOnlyList<float>? Embedding = null, IReadOnlyDictionary<string, object>? Metadata = null,
    string? Thumbnail = null);

/// <summary>The body of <c>POST /v1/collections/{name}/items/delete</c>: ids or a filter.</summary>
internal sealed record DeleteItemsBody(IReadOnlyList<string>? Ids = null, FilterBody? Filter = null);

/// <summary>A metadata filter: a comparison (<c>eq ne gt gte lt lte in nin</c> with key and value) or <c>and</c>/<c>or</c> of filters.</summary>
internal sealed record FilterBody([property: JsonRequired] string Type, string? Key = null, object? Value = null, IReadOnlyList<FilterBody>? Filters = null);

/// <summary>The body of <c>POST /v1/collections/{name}/search</c>.</summary>
/// <param name="Query">Exactly one of text, image, image_url, item_id, embedding.</param>
/// <param name="TopK">Hits wanted, 1-100 (default 10).</param>
/// <param name="Filter">Only items whose metadata passes; still min(top_k, matches) hits.</param>
/// <param name="ScoreThreshold">Lowest cosine returned.</param>
/// <param name="Exact">Scan every vector instead of walking the graph (recall 1).</param>
/// <param name="EfSearch">Graph breadth for this query (at least top_k).</param>
internal sealed record SearchBody([property: JsonRequired] SearchQueryBody Query, int? TopK = null, FilterBody? Filter = null, double? ScoreThreshold = null, bool? Exact = null, int? EfSearch = null);

/// <summary>A search query: exactly one field.</summary>
internal sealed record SearchQueryBody(string? Text = null, string? Image = null, string? ImageUrl = null, string? ItemId = null, IReadOnlyList<float>? Embedding = null);

/// <summary>The body of <c>POST /v1/collections/{name}/classify</c>: a stored label set or ad-hoc labels.</summary>
/// <param name="LabelSet">A label set of the collection's model.</param>
/// <param name="Labels">Ad-hoc labels (or give <paramref name="LabelSet"/>).</param>
/// <param name="Templates">Templates for ad-hoc labels.</param>
/// <param name="TopK">Labels per item (default 5).</param>
/// <param name="Filter">Only items whose metadata passes.</param>
/// <param name="Limit">Items per page (default 20).</param>
/// <param name="After">The last id of the previous page.</param>
internal sealed record ClassifyBody(string? LabelSet = null, IReadOnlyList<string>? Labels = null, IReadOnlyList<string>? Templates = null, int? TopK = null, FilterBody? Filter = null, int? Limit = null, string? After = null);
