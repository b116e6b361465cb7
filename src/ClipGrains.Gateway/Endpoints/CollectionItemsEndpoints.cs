using System.Text.Json;
using ClipGrains.Abstractions.Collections;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Embedding;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;
using ClipGrains.Gateway.OpenApi;
using ClipGrains.Gateway.Tenancy;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Endpoints;

/// <summary>
/// <c>/v1/collections/{name}/items</c>: upsert items (images, image URLs, texts or precomputed embeddings, with
/// metadata) with a result per item, list them in id order, get and delete one, delete many by ids or by a filter.
/// </summary>
internal static class CollectionItemsEndpoints
{
    private static readonly string[] Sources = ["image", "image_url", "text", "embedding"];

    public static void Map(IEndpointRouteBuilder routes, GatewayOptions limits)
    {
        routes.MapPost("/collections/{name}/items", UpsertAsync).WithRequestSizeLimit(limits.MaxImageRequestBytes).DisableAntiforgery().WithMetadata(ChargedEndpoint.Instance)
            .WithName("upsertCollectionItems").WithTags("Collections")
            .WithSummary("Stores items (an existing id is replaced); one result per item, so one bad image does not fail the batch.")
            .Takes<Contracts.Requests.ItemsBody>("application/json", "multipart/form-data").Answers<ItemResultList>().Fails(400, 403, 404, 409, 413, 415, 422);
        routes.MapGet("/collections/{name}/items", ListAsync)
            .WithName("listCollectionItems").WithTags("Collections").WithSummary("Items in id order, paged with limit and after (include=embedding adds vectors).")
            .Answers<CollectionItemList>().Fails(400, 404);
        routes.MapGet("/collections/{name}/items/{**id}", GetAsync)
            .WithName("retrieveCollectionItem").WithTags("Collections").WithSummary("One item (include=embedding,thumbnail adds its vector and stored thumbnail).")
            .Answers<CollectionItemObject>().Fails(400, 404);
        routes.MapDelete("/collections/{name}/items/{**id}", DeleteAsync)
            .WithName("deleteCollectionItem").WithTags("Collections").WithSummary("Deletes one item.").Answers<DeletedObject>().Fails(400, 404);
        routes.MapPost("/collections/{name}/items/delete", DeleteManyAsync).WithRequestSizeLimit(limits.MaxJsonRequestBytes)
            .WithName("deleteCollectionItems").WithTags("Collections").WithSummary("Deletes items by ids or by a metadata filter; one result per item.")
            .Takes<Contracts.Requests.DeleteItemsBody>().Answers<ItemResultList>().Fails(400, 404, 413);
    }

    // An item as read from the request, before its vector is known.
    private sealed record Pending(string Id, ApiInput? Image, string? Text, float[]? Vector, IReadOnlyDictionary<string, MetaValue> Metadata, byte[]? Thumbnail = null);

    private static async Task<IResult> UpsertAsync(
        HttpContext context, string name, IGrainFactory grains, ModelCatalog models, TextEmbedder texts, ImageEmbedder images, ImageUrlResolver urls,
        ChargedRequests metering, IOptions<PricingOptions> pricing, IOptions<CollectionOptions> options, IOptions<GatewayOptions> gateway)
    {
        var limits = options.Value;
        var (grain, info) = await CollectionViews.FindAsync(context, grains, name);
        List<Pending> pending;
        Func<string> canonical;
        if (context.Request.HasFormContentType)
        {
            pending = await ReadFormAsync(context.Request, limits);
            canonical = () => string.Join('\n', pending.Select(p => $"{p.Id} {p.Image!.ImageHash} {System.Text.Encoding.UTF8.GetString(MetadataJson.Write(p.Metadata))}"));
        }
        else
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, Math.Max(limits.MaxItemsPerRequest, info.Dimensions));
            pending = ReadItems(body, info, limits, gateway.Value);
            canonical = body.GetRawText;
        }

        var imageInputs = pending.Where(p => p.Image is not null).Select(p => p.Image!).ToList();
        urls.Check(imageInputs);
        var textCount = pending.Count(p => p.Text is not null);
        var model = models.Resolve(info.Model);
        var price = pricing.Value;
        var estimate = new Charge(imageInputs.Count, textCount, price.Price(model, imageInputs.Count, textCount) + (pending.Count * price.CreditsPerStoredItem), model.Id);
        var tenant = RequestTenant.Of(context);

        var bytes = pending.Sum(p => CollectionItem.StoredSize(p.Id, info.Dimensions, MetadataJson.Write(p.Metadata).Length, p.Thumbnail?.Length ?? 0));
        return await metering.RunAsync(context, canonical, estimate, async () =>
        {
            // The quota once admitted (asking the shards activates them: not for a tenant the meter refuses) and before
            // any fetch or encoding: each item's stored size is known from its id, metadata, thumbnail and the width.
            // A refusal here is answered uncharged, having computed nothing.
            if (await grain.CheckRoom([.. pending.Select(p => p.Id)], bytes) is { } full)
            {
                throw new ApiException(403, "invalid_request_error", "collection_quota_exceeded", full);
            }

            // Image URLs are fetched once admitted: a tenant that is refused costs no fetch.
            using var fetched = await urls.ResolveAsync(tenant, imageInputs, context.RequestAborted);
            var textItems = pending.Where(p => p.Text is not null).ToList();
            var (textVectors, tokens) = textItems.Count == 0 ? ([], 0) : await texts.EmbedAsync(tenant, model.Id, [.. textItems.Select(p => p.Text!)]);

            // One call per image, so an undecodable image fails only its own item (the model's queue batches them again).
            var imageItems = pending.Where(p => p.Image is not null).ToList();
            var imageVectors = await Task.WhenAll(fetched.Inputs.Select(input => EmbedOneAsync(images, tenant, model.Id, input)));
            var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
            var failures = new Dictionary<string, ApiException>(StringComparer.Ordinal);
            for (var t = 0; t < textItems.Count; t++)
            {
                vectors[textItems[t].Id] = textVectors[t];
            }

            for (var m = 0; m < imageItems.Count; m++)
            {
                if (imageVectors[m].Vector is { } vector)
                {
                    vectors[imageItems[m].Id] = vector;
                }
                else
                {
                    failures[imageItems[m].Id] = imageVectors[m].Error!;
                }
            }

            var items = pending.Where(p => !failures.ContainsKey(p.Id))
                .Select(p => new CollectionItem(p.Id, p.Vector ?? vectors[p.Id], p.Metadata, p.Thumbnail)).ToList();
            var stored = items.Count == 0 ? null : await grain.Upsert(items);
            switch (stored?.Outcome)
            {
                case CollectionOutcome.NotFound:
                    throw CollectionViews.NotFound(name);
                case CollectionOutcome.QuotaExceeded:
                    throw new ApiException(403, "invalid_request_error", "collection_quota_exceeded", stored.Message!);
            }

            var written = (stored?.Items ?? []).ToDictionary(r => r.Id, StringComparer.Ordinal);
            var data = pending.Select(p => failures.TryGetValue(p.Id, out var e)
                ? new ItemResultObject(p.Id, "failed", new ErrorDetail(e.Message, e.Type, e.Param, e.Code))
                : new ItemResultObject(p.Id, written[p.Id].Status, null)).ToList();
            var encodedImages = imageItems.Count - failures.Count;
            var actual = new Charge(encodedImages, textItems.Count, price.Price(model, encodedImages, textItems.Count) + (written.Count * price.CreditsPerStoredItem), model.Id);
            return new ChargedResult(200, credits => new ItemResultList(data, new CollectionUsage(tokens, encodedImages, written.Count, credits)), actual);
        });
    }

    private static async Task<(float[]? Vector, ApiException? Error)> EmbedOneAsync(ImageEmbedder images, string tenant, string model, ApiInput input)
    {
        try
        {
            return ((await images.EmbedAsync(tenant, model, [input]))[0], null);
        }
        catch (ApiException e) when (e.Status < 500)
        {
            return (null, e);
        }
    }

    private static List<Pending> ReadItems(JsonElement body, CollectionInfo info, CollectionOptions limits, GatewayOptions gateway)
    {
        if (!body.TryGetProperty("items", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest("'items' is required: an array of {id?, image | image_url | text | embedding, metadata?}.", "items", "missing_required_parameter");
        }

        var count = array.GetArrayLength();
        if (count == 0 || count > limits.MaxItemsPerRequest)
        {
            throw ApiException.BadRequest($"'items' must have 1-{limits.MaxItemsPerRequest} items; it has {count}.", "items", count == 0 ? "invalid_request" : "too_many_items");
        }

        var items = new List<Pending>(count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var param = $"items[{index++}]";
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest($"'{param}' must be an object.", param);
            }

            var id = Member(element, "id", param) is { } given ? given : "item_" + Guid.NewGuid().ToString("N")[..24];
            if (!CollectionKey.IsValidItemId(id))
            {
                throw ApiException.BadRequest($"'{param}.id' must be 1-{CollectionKey.MaxItemIdLength} printable ASCII characters without spaces.", $"{param}.id", "invalid_item_id");
            }

            if (!ids.Add(id))
            {
                throw ApiException.BadRequest($"'{param}.id' repeats '{id}'; each id may appear once per request.", $"{param}.id", "duplicate_item_id");
            }

            var sources = Sources.Where(s => element.TryGetProperty(s, out var v) && v.ValueKind != JsonValueKind.Null).ToList();
            if (sources.Count != 1)
            {
                throw ApiException.BadRequest(
                    $"'{param}' must have exactly one of image, image_url, text or embedding (it has {(sources.Count == 0 ? "none" : string.Join(", ", sources))}).",
                    param, sources.Count == 0 ? "missing_required_parameter" : "invalid_request");
            }

            var metadata = MetadataReader.Read(element.TryGetProperty("metadata", out var m) ? m : default, $"{param}.metadata", limits.MaxMetadataBytes);
            var thumbnail = element.TryGetProperty("thumbnail", out var t) && t.ValueKind != JsonValueKind.Null ? Thumbnail(t, $"{param}.thumbnail", limits) : null;
            var source = element.GetProperty(sources[0]);
            items.Add((sources[0] switch
            {
                "image" when source.ValueKind == JsonValueKind.String => new Pending(id, DataUri.Image(source, $"{param}.image"), null, null, metadata),
                "image_url" => new Pending(id, ImageUrl(source, $"{param}.image_url"), null, null, metadata),
                "text" when source.ValueKind == JsonValueKind.String => new Pending(id, null, Text(source.GetString()!, $"{param}.text", gateway.MaxTextLength), null, metadata),
                "embedding" => new Pending(id, null, null, EmbeddingReader.Read(source, $"{param}.embedding", info.Dimensions, info.Model), metadata),
                var other => throw ApiException.BadRequest($"'{param}.{other}' must be a string.", $"{param}.{other}"),
            }) with { Thumbnail = thumbnail });
        }

        return items;
    }

    // A small preview the caller made (the console draws one per image it uploads): stored as given, counted in the byte quota.
    private static byte[] Thumbnail(JsonElement value, string param, CollectionOptions limits)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw ApiException.BadRequest($"'{param}' must be a JPEG, PNG or WebP image as a data URI or base64.", param, "invalid_thumbnail");
        }

        var bytes = DataUri.Image(value, param).Image!;
        if (bytes.Length > limits.MaxThumbnailBytes)
        {
            throw ApiException.BadRequest($"'{param}' has {bytes.Length} bytes; a thumbnail may have at most {limits.MaxThumbnailBytes}.", param, "thumbnail_too_large");
        }

        return Scoring.ImageMagic.Sniff(bytes) is Scoring.ImageKind.Jpeg or Scoring.ImageKind.Png or Scoring.ImageKind.Webp
            ? bytes
            : throw ApiException.BadRequest($"'{param}' must be a JPEG, PNG or WebP image.", param, "invalid_thumbnail");
    }

    // multipart/form-data: image files (parts named image), with optional 'id' and 'metadata' (a JSON object) fields, one
    // per image in the files' order (curl -F image=@a.jpg -F id=a.jpg -F 'metadata={"k":"v"}').
    private static async Task<List<Pending>> ReadFormAsync(HttpRequest request, CollectionOptions limits)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(
                new Microsoft.AspNetCore.Http.Features.FormOptions { ValueCountLimit = (limits.MaxItemsPerRequest * 3) + 8, MultipartBodyLengthLimit = request.ContentLength ?? long.MaxValue },
                request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw ApiException.BadRequest($"The multipart body could not be read: {e.Message}", code: "invalid_multipart");
        }

        var files = form.Files.Where(f => f.Name is "image" or "image[]").ToList();
        if (files.Count == 0 || files.Count > limits.MaxItemsPerRequest)
        {
            throw ApiException.BadRequest($"Attach 1-{limits.MaxItemsPerRequest} image files as parts named 'image'; the request has {files.Count}.", "image",
                files.Count == 0 ? "missing_required_parameter" : "too_many_items");
        }

        var ids = Fields(form, "id");
        var metadata = Fields(form, "metadata");
        if ((ids.Count > 0 && ids.Count != files.Count) || (metadata.Count > 0 && metadata.Count != files.Count))
        {
            throw ApiException.BadRequest(
                $"Give one 'id' and one 'metadata' field per image, in the files' order, or none: the request has {files.Count} images, {ids.Count} ids and {metadata.Count} metadata fields.",
                ids.Count > 0 && ids.Count != files.Count ? "id" : "metadata");
        }

        var items = new List<Pending>(files.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            var param = files.Count == 1 ? "image" : $"image[{i}]";
            var id = ids.Count > 0 ? ids[i] : "item_" + Guid.NewGuid().ToString("N")[..24];
            if (!CollectionKey.IsValidItemId(id) || !seen.Add(id))
            {
                throw ApiException.BadRequest($"'id[{i}]' must be a new 1-{CollectionKey.MaxItemIdLength} character printable ASCII id without spaces.", $"id[{i}]", "invalid_item_id");
            }

            IReadOnlyDictionary<string, MetaValue> meta = MetadataJson.None;
            if (metadata.Count > 0)
            {
                try
                {
                    using var document = JsonDocument.Parse(metadata[i]);
                    meta = MetadataReader.Read(document.RootElement, $"metadata[{i}]", limits.MaxMetadataBytes);
                }
                catch (JsonException)
                {
                    throw ApiException.BadRequest($"'metadata[{i}]' must be a JSON object.", $"metadata[{i}]", "invalid_metadata");
                }
            }

            using var stream = new MemoryStream((int)files[i].Length);
            await files[i].CopyToAsync(stream, request.HttpContext.RequestAborted);
            items.Add(new Pending(id, new ApiInput(null, stream.ToArray(), param), null, null, meta));
        }

        return items;
    }

    private static List<string> Fields(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) || form.TryGetValue(name + "[]", out values) ? [.. values.Select(v => v ?? string.Empty)] : [];

    /// <summary>An image URL: a string or OpenAI's <c>{"url": …}</c>; a data URI is decoded here, an http(s) URL fetched once admitted.</summary>
    internal static ApiInput ImageUrl(JsonElement value, string param)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("url", out var url))
        {
            value = url;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw ApiException.BadRequest($"'{param}' must be a URL string or {{\"url\": ...}}.", param, "invalid_image_url");
        }

        return DataUri.Image(value.GetString()!, param);
    }

    internal static string Text(string text, string param, int maxLength) =>
        text.Length is > 0 && text.Length <= maxLength ? text : throw ApiException.BadRequest($"'{param}' must have 1-{maxLength} characters.", param, "text_too_long");

    private static string? Member(JsonElement element, string name, string param)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw ApiException.BadRequest($"'{param}.{name}' must be a string.", $"{param}.{name}");
    }

    private static async Task<IResult> ListAsync(HttpContext context, string name, IGrainFactory grains, int? limit, string? after, string? include)
    {
        var size = CollectionViews.Limit(limit);
        var withEmbedding = Include(include);
        var page = await CollectionViews.Grain(context, grains, name).Page(after, size, null, withEmbedding) ?? throw CollectionViews.NotFound(name);
        var data = page.Items.Select(i => CollectionViews.Describe(i, withEmbedding)).ToList();
        return Results.Json(new CollectionItemList(data, data.FirstOrDefault()?.Id, page.Cursor ?? data.LastOrDefault()?.Id, page.HasMore), ApiJson.Options);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string name, string id, IGrainFactory grains, string? include)
    {
        var itemId = CollectionViews.ItemId(id);
        var parts = (include ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Any(p => p is not ("embedding" or "thumbnail")))
        {
            throw ApiException.BadRequest("'include' may list \"embedding\" and \"thumbnail\", comma-separated.", "include");
        }

        var (grain, _) = await CollectionViews.FindAsync(context, grains, name);
        var item = await grain.GetItem(itemId, withThumbnail: parts.Contains("thumbnail")) ?? throw ItemNotFound(name, itemId);
        var described = CollectionViews.Describe(item, parts.Contains("embedding"));
        return Results.Json(
            item.Thumbnail is { } thumbnail ? described with { Thumbnail = $"data:image/{Scoring.ImageMagic.Sniff(thumbnail)!.Value.ToString().ToLowerInvariant()};base64,{Convert.ToBase64String(thumbnail)}" } : described,
            ApiJson.Options);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string name, string id, IGrainFactory grains)
    {
        var itemId = CollectionViews.ItemId(id);
        var result = await CollectionViews.Grain(context, grains, name).DeleteItems([itemId]);
        return result.Outcome == CollectionOutcome.NotFound ? throw CollectionViews.NotFound(name)
            : result.Items[0].Status != "deleted" ? throw ItemNotFound(name, itemId)
            : Results.Json(new DeletedObject(itemId, "collection.item.deleted", true), ApiJson.Options);
    }

    private static async Task<IResult> DeleteManyAsync(HttpContext context, string name, IGrainFactory grains, IOptions<CollectionOptions> options)
    {
        var limits = options.Value;
        var body = await JsonBody.ReadObjectAsync(context.Request, limits.MaxItemsPerRequest);
        var ids = JsonBody.OptionalStrings(body, "ids");
        var filter = FilterReader.Read(body.TryGetProperty("filter", out var f) ? f : default, "filter");
        if ((ids is null) == (filter is null))
        {
            throw ApiException.BadRequest("Give exactly one of 'ids' (an array of item ids) or 'filter' (a metadata filter).", ids is null ? "ids" : "filter", "invalid_request");
        }

        if (ids is not null && (ids.Count == 0 || ids.Count > limits.MaxItemsPerRequest || ids.Any(i => !CollectionKey.IsValidItemId(i))))
        {
            throw ApiException.BadRequest($"'ids' must hold 1-{limits.MaxItemsPerRequest} item ids.", "ids");
        }

        var grain = CollectionViews.Grain(context, grains, name);
        var result = ids is not null ? await grain.DeleteItems(ids) : await grain.DeleteMatching(filter!);
        if (result.Outcome == CollectionOutcome.NotFound)
        {
            throw CollectionViews.NotFound(name);
        }

        var data = result.Items.Select(r => new ItemResultObject(r.Id, r.Status, r.Code is null ? null : new ErrorDetail(r.Message!, "invalid_request_error", "ids", r.Code))).ToList();
        return Results.Json(new ItemResultList(data, new CollectionUsage(0, 0, data.Count(d => d.Status == "deleted"), 0), result.HasMore), ApiJson.Options);
    }

    private static bool Include(string? include) => include switch
    {
        null or "" => false,
        "embedding" => true,
        _ => throw ApiException.BadRequest("'include' may only be \"embedding\".", "include"),
    };

    private static ApiException ItemNotFound(string collection, string id) =>
        ApiException.NotFound($"Collection '{collection}' has no item '{id}'.", "item_not_found", "id");
}
