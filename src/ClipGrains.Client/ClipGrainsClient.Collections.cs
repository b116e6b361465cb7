using System.Globalization;
using ClipGrains.Client.Models;

namespace ClipGrains.Client;

/// <summary>Collections: stored vectors with metadata, searched by text, image, item or embedding, and tagged with labels.</summary>
public sealed partial class ClipGrainsClient
{
    /// <summary>Creates a collection.</summary>
    public Task<CollectionInfo> CreateCollectionAsync(CreateCollectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync(HttpMethod.Post, "collections", ApiConnection.Json(request, ClientJson.Default.CreateCollectionRequest), ClientJson.Default.CollectionInfo, cancellationToken);
    }

    /// <summary>One collection with its counts.</summary>
    public Task<CollectionInfo> GetCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, Path(name), null, ClientJson.Default.CollectionInfo, cancellationToken);

    /// <summary>One page of collections in name order.</summary>
    public Task<CollectionPage> ListCollectionsAsync(int? limit = null, string? after = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, "collections" + Query(limit, after, include: null), null, ClientJson.Default.CollectionPage, cancellationToken);

    /// <summary>Deletes a collection and its items.</summary>
    public async Task DeleteCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        using var _ = await _api.SendRawAsync(HttpMethod.Delete, Path(name), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores items (an existing id is replaced); one result per item. Send an <paramref name="idempotencyKey"/> to retry safely.</summary>
    public Task<ItemResults> UpsertItemsAsync(string name, IReadOnlyList<ItemInput> items, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return _api.SendAsync(HttpMethod.Post, Path(name) + "/items", ApiConnection.Json(new ItemsRequest(items), ClientJson.Default.ItemsRequest),
            ClientJson.Default.ItemResults, cancellationToken, idempotencyKey);
    }

    /// <summary>One page of items in id order; pass the previous page's <see cref="ItemPage.LastId"/> as <paramref name="after"/>.</summary>
    public Task<ItemPage> ListItemsAsync(string name, int? limit = null, string? after = null, bool withEmbeddings = false, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, Path(name) + "/items" + Query(limit, after, withEmbeddings ? "embedding" : null), null, ClientJson.Default.ItemPage, cancellationToken);

    /// <summary>One item.</summary>
    public Task<StoredItem> GetItemAsync(string name, string id, bool withEmbedding = false, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, $"{Path(name)}/items/{Uri.EscapeDataString(id)}{(withEmbedding ? "?include=embedding" : "")}", null, ClientJson.Default.StoredItem, cancellationToken);

    /// <summary>Deletes items by id; an unknown id is <c>not_found</c> in its result.</summary>
    public Task<ItemResults> DeleteItemsAsync(string name, IReadOnlyList<string> ids, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, Path(name) + "/items/delete", ApiConnection.Json(new DeleteItemsRequest(ids, null), ClientJson.Default.DeleteItemsRequest),
            ClientJson.Default.ItemResults, cancellationToken);

    /// <summary>Deletes every item whose metadata passes <paramref name="filter"/>.</summary>
    public Task<ItemResults> DeleteMatchingItemsAsync(string name, Filter filter, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, Path(name) + "/items/delete", ApiConnection.Json(new DeleteItemsRequest(null, filter), ClientJson.Default.DeleteItemsRequest),
            ClientJson.Default.ItemResults, cancellationToken);

    /// <summary>The items closest to the query, best first.</summary>
    public Task<SearchResults> SearchAsync(string name, SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync(HttpMethod.Post, Path(name) + "/search", ApiConnection.Json(request, ClientJson.Default.SearchRequest), ClientJson.Default.SearchResults, cancellationToken);
    }

    /// <summary>Zero-shot tags for stored items from their stored vectors (no image encoded again), a page at a time.</summary>
    public Task<TaggedItems> ClassifyItemsAsync(string name, ClassifyItemsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync(HttpMethod.Post, Path(name) + "/classify", ApiConnection.Json(request, ClientJson.Default.ClassifyItemsRequest), ClientJson.Default.TaggedItems, cancellationToken);
    }

    private static string Path(string name) => "collections/" + Uri.EscapeDataString(name);

    private static string Query(int? limit, string? after, string? include)
    {
        var query = new List<string>();
        if (limit is int l)
        {
            query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        }

        if (after is not null)
        {
            query.Add("after=" + Uri.EscapeDataString(after));
        }

        if (include is not null)
        {
            query.Add("include=" + include);
        }

        return query.Count == 0 ? "" : "?" + string.Join('&', query);
    }
}
