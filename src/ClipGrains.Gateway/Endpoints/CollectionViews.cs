using ClipGrains.Abstractions.Collections;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Tenancy;

namespace ClipGrains.Gateway.Endpoints;

/// <summary>What the collection routes share: finding a tenant's collection (404 otherwise) and its API shapes.</summary>
internal static class CollectionViews
{
    /// <summary>The calling tenant's collection <paramref name="name"/>; a 404 when it has none of that name (another tenant's included).</summary>
    public static async Task<(ICollectionGrain Grain, CollectionInfo Info)> FindAsync(HttpContext context, IGrainFactory grains, string name)
    {
        var grain = Grain(context, grains, name);
        var info = await grain.GetInfo() ?? throw NotFound(name);
        return (grain, info);
    }

    public static ICollectionGrain Grain(HttpContext context, IGrainFactory grains, string name) =>
        grains.GetGrain<ICollectionGrain>(CollectionKey.Of(RequestTenant.Of(context), name));

    /// <summary>A 400 when the request names a model other than the collection's: its vectors live in that model's space.</summary>
    public static void CheckModel(string? requested, CollectionInfo info, Embedding.ModelCatalog models)
    {
        if (requested is not null && models.Resolve(requested).Id != info.Model)
        {
            throw ApiException.BadRequest(
                $"Collection '{info.Name}' holds '{info.Model}' vectors but the request asks for '{requested}'; omit 'model' or create a collection for '{requested}'.",
                "model", "collection_model_mismatch");
        }
    }

    public static ApiException NotFound(string name) => ApiException.NotFound($"There is no collection named '{name}'.", "collection_not_found", "name");

    public static CollectionObject Describe(CollectionInfo info) => new(
        info.Name, info.Model, info.Dimensions, info.ItemCount, info.Bytes, info.CreatedAt.ToUnixTimeSeconds(), info.Shards,
        new CollectionIndexObject(info.Index.Kind, info.Index.Quantization, info.Index.Connectivity, info.Index.ExpansionAdd, info.Index.ExpansionSearch, info.Index.FlatLimit),
        Metadata(info.Metadata));

    public static CollectionItemObject Describe(StoredItem item, bool withEmbedding) =>
        new(item.Id, Metadata(item.Metadata), item.Bytes, item.UpdatedAt.ToUnixTimeSeconds(), withEmbedding ? item.Vector : null);

    /// <summary>Metadata as JSON values (strings, numbers, booleans, arrays of strings).</summary>
    public static IReadOnlyDictionary<string, object> Metadata(IReadOnlyDictionary<string, MetaValue> metadata) =>
        metadata.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.Kind switch
        {
            MetaKind.Text => (object)p.Value.Text!,
            MetaKind.Number => p.Value.Number,
            MetaKind.Flag => p.Value.Flag,
            _ => p.Value.Texts!,
        }, StringComparer.Ordinal);

    /// <summary>A page size from <c>?limit</c>: 1-100, default 20.</summary>
    public static int Limit(int? limit, int max = 100)
    {
        if (limit is { } value && (value < 1 || value > max))
        {
            throw ApiException.BadRequest($"'limit' must be between 1 and {max}.", "limit");
        }

        return limit ?? 20;
    }

    /// <summary>An item id from a route: ids are printable ASCII, a '/' may come encoded as %2F.</summary>
    public static string ItemId(string raw)
    {
        var id = raw.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        return CollectionKey.IsValidItemId(id) ? id : throw ApiException.BadRequest($"Item ids are 1-{CollectionKey.MaxItemIdLength} printable ASCII characters without spaces.", "id", "invalid_item_id");
    }
}
