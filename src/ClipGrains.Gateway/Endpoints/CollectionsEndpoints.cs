using System.Text.Json;
using ClipGrains.Abstractions.Collections;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Embedding;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;
using ClipGrains.Gateway.OpenApi;
using ClipGrains.Gateway.Tenancy;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Endpoints;

/// <summary>
/// <c>/v1/collections</c>: create, list, get and delete a tenant's collections of stored vectors (items, search and
/// tagging are in <see cref="CollectionItemsEndpoints"/> and <see cref="CollectionSearchEndpoints"/>).
/// </summary>
internal static class CollectionsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, GatewayOptions limits)
    {
        routes.MapPost("/collections", CreateAsync).WithRequestSizeLimit(limits.MaxJsonRequestBytes)
            .WithName("createCollection").WithTags("Collections").WithSummary("Creates a collection of vectors in one model's space.")
            .Takes<Contracts.Requests.CollectionBody>().Answers<CollectionObject>(201).Fails(400, 403, 404, 409, 413);
        routes.MapGet("/collections", ListAsync)
            .WithName("listCollections").WithTags("Collections").WithSummary("Collections in name order, paged with limit and after.").Answers<CollectionList>().Fails(400);
        routes.MapGet("/collections/{name}", GetAsync)
            .WithName("retrieveCollection").WithTags("Collections").WithSummary("One collection with its item count, bytes and index settings (include=index adds each shard's index now).")
            .Answers<CollectionObject>().Fails(400, 404);
        routes.MapDelete("/collections/{name}", DeleteAsync)
            .WithName("deleteCollection").WithTags("Collections").WithSummary("Deletes a collection and its items; frees its quota.").Answers<DeletedObject>().Fails(404);
        CollectionItemsEndpoints.Map(routes, limits);
        CollectionSearchEndpoints.Map(routes, limits);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, IGrainFactory grains, ModelCatalog models, TextEmbedder texts, IOptions<CollectionOptions> options, TimeProvider time)
    {
        var limits = options.Value;
        var body = await JsonBody.ReadObjectAsync(context.Request, MetadataReader.MaxKeys);
        var name = JsonBody.OptionalString(body, "name") ?? throw ApiException.BadRequest("'name' is required.", "name", "missing_required_parameter");
        if (!CollectionKey.IsValidName(name))
        {
            throw ApiException.BadRequest("'name' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.", "name", "invalid_name");
        }

        var model = models.Resolve(JsonBody.OptionalString(body, "model"));
        var metadata = MetadataReader.Read(body.TryGetProperty("metadata", out var m) ? m : default, "metadata", limits.MaxMetadataBytes);
        var shards = JsonBody.OptionalInt(body, "shards") ?? limits.DefaultShards;
        if (shards < 1 || shards > limits.MaxShards)
        {
            throw ApiException.BadRequest($"'shards' must be between 1 and {limits.MaxShards}.", "shards");
        }

        var index = ReadIndex(body.TryGetProperty("index", out var i) ? i : default, limits.DefaultIndex);

        // The model's width fixes the collection's; learned from one short prompt the first time this gateway meets the model.
        var dimensions = models.KnownDimension(model.Id) ?? (await texts.EmbedAsync(RequestTenant.Of(context), model.Id, ["a photo"])).Vectors[0].Length;
        models.LearnDimension(model.Id, dimensions);

        var uid = "col_" + Guid.NewGuid().ToString("N")[..24];
        var definition = new CollectionInfo(name, uid, model.Id, dimensions, shards, index, metadata, time.GetUtcNow(), 0, 0);
        var result = await CollectionViews.Grain(context, grains, name).Create(definition);
        return result.Outcome switch
        {
            CollectionOutcome.AlreadyExists => throw new ApiException(409, "invalid_request_error", "collection_exists", $"A collection named '{name}' already exists.", "name"),
            CollectionOutcome.QuotaExceeded => throw new ApiException(403, "invalid_request_error", "collection_quota_exceeded", result.Message!),
            _ => Results.Json(CollectionViews.Describe(result.Info!), ApiJson.Options, statusCode: 201),
        };
    }

    private static IndexSettings ReadIndex(JsonElement value, IndexSettings defaults)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return defaults;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("'index' must be an object (type, quantization, m, ef_construction, ef_search, flat_limit).", "index");
        }

        var kind = JsonBody.OptionalString(value, "type") ?? defaults.Kind;
        if (!IndexSettings.Kinds.Contains(kind))
        {
            throw ApiException.BadRequest($"'index.type' must be one of {string.Join(", ", IndexSettings.Kinds)}.", "index.type");
        }

        var quantization = JsonBody.OptionalString(value, "quantization") ?? defaults.Quantization;
        if (!IndexSettings.Quantizations.Contains(quantization))
        {
            throw ApiException.BadRequest($"'index.quantization' must be one of {string.Join(", ", IndexSettings.Quantizations)}.", "index.quantization");
        }

        return new IndexSettings(
            kind,
            quantization,
            Bounded(value, "m", defaults.Connectivity, 2, 256),
            Bounded(value, "ef_construction", defaults.ExpansionAdd, 1, 4096),
            Bounded(value, "ef_search", defaults.ExpansionSearch, 1, 4096),
            Bounded(value, "flat_limit", defaults.FlatLimit, 0, 10_000_000));
    }

    private static int Bounded(JsonElement value, string name, int fallback, int min, int max)
    {
        var number = JsonBody.OptionalInt(value, name) ?? fallback;
        return number >= min && number <= max ? number : throw ApiException.BadRequest($"'index.{name}' must be between {min} and {max}.", $"index.{name}");
    }

    private static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, int? limit, string? after)
    {
        var size = CollectionViews.Limit(limit);
        var tenant = RequestTenant.Of(context);
        var names = await grains.GetGrain<ICollectionDirectoryGrain>(tenant).List();
        var rest = names.Where(n => after is null || string.CompareOrdinal(n, after) > 0).ToList();
        var page = rest.Take(size).ToList();
        var infos = await Task.WhenAll(page.Select(n => grains.GetGrain<ICollectionGrain>(CollectionKey.Of(tenant, n)).GetInfo()));
        return Results.Json(
            new CollectionList([.. infos.OfType<CollectionInfo>().Select(CollectionViews.Describe)], page.FirstOrDefault(), page.LastOrDefault(), rest.Count > page.Count),
            ApiJson.Options);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string name, IGrainFactory grains, string? include)
    {
        var (_, info) = await CollectionViews.FindAsync(context, grains, name);
        if (include is null or "")
        {
            return Results.Json(CollectionViews.Describe(info), ApiJson.Options);
        }

        if (include != "index")
        {
            throw ApiException.BadRequest("'include' may only be \"index\".", "include");
        }

        var stats = await Task.WhenAll(Enumerable.Range(0, info.Shards).Select(s => grains.GetGrain<ICollectionShardGrain>(CollectionKey.Shard(info.Uid, s)).Describe(info.Index)));
        return Results.Json(
            CollectionViews.Describe(info) with { ShardIndexes = [.. stats.Select((s, i) => new ShardIndexObject(i, s.Kind, s.Items, s.IndexBytes, s.Tombstones))] },
            ApiJson.Options);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string name, IGrainFactory grains)
    {
        if (!await CollectionViews.Grain(context, grains, name).Delete())
        {
            throw CollectionViews.NotFound(name);
        }

        return Results.Json(new DeletedObject(name, "collection.deleted", true), ApiJson.Options);
    }
}
