using System.Text.Json;
using ClipGrains.Abstractions.Collections;
using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Embedding;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;
using ClipGrains.Gateway.OpenApi;
using ClipGrains.Gateway.Tenancy;
using ClipGrains.Scoring;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Endpoints;

/// <summary>
/// <c>POST /v1/collections/{name}/search</c> (text, image, image URL, stored item or embedding queries, fanned out to
/// every shard and merged exactly) and <c>POST /v1/collections/{name}/classify</c> (zero-shot tags for stored items from
/// their stored vectors: a matrix product, no image decoded or encoded again).
/// </summary>
internal static class CollectionSearchEndpoints
{
    /// <summary>Most hits one search returns.</summary>
    public const int MaxTopK = 100;

    private static readonly string[] QueryFields = ["text", "image", "image_url", "item_id", "embedding"];

    public static void Map(IEndpointRouteBuilder routes, GatewayOptions limits)
    {
        routes.MapPost("/collections/{name}/search", SearchAsync).WithRequestSizeLimit(limits.MaxImageRequestBytes).WithMetadata(ChargedEndpoint.Instance)
            .WithName("searchCollection").WithTags("Collections")
            .WithSummary("The items closest to a text, image, image URL, stored item or embedding, best first, with cosine scores.")
            .Takes<Contracts.Requests.SearchBody>().Answers<SearchResultList>().Fails(400, 404, 409, 413, 415, 422);
        routes.MapPost("/collections/{name}/classify", ClassifyAsync).WithRequestSizeLimit(limits.MaxJsonRequestBytes).WithMetadata(ChargedEndpoint.Instance)
            .WithName("classifyCollection").WithTags("Collections")
            .WithSummary("Zero-shot tags for stored items against a label set or labels, from their stored vectors (no image encoded again); paged.")
            .Takes<Contracts.Requests.ClassifyBody>().Answers<TaggedItemList>().Fails(400, 404, 409, 413, 422);
    }

    private static async Task<IResult> SearchAsync(
        HttpContext context, string name, IGrainFactory grains, ModelCatalog models, TextEmbedder texts, ImageEmbedder images, ImageUrlResolver urls,
        ChargedRequests metering, IOptions<PricingOptions> pricing, IOptions<GatewayOptions> gateway)
    {
        var (grain, info) = await CollectionViews.FindAsync(context, grains, name);
        var body = await JsonBody.ReadObjectAsync(context.Request, Math.Max(info.Dimensions, FilterReader.MaxNodes));
        CollectionViews.CheckModel(JsonBody.OptionalString(body, "model"), info, models);
        var topK = JsonBody.OptionalInt(body, "top_k") ?? 10;
        if (topK is < 1 or > MaxTopK)
        {
            throw ApiException.BadRequest($"'top_k' must be between 1 and {MaxTopK}.", "top_k");
        }

        var filter = FilterReader.Read(body.TryGetProperty("filter", out var f) ? f : default, "filter");
        var threshold = Threshold(body);
        var exact = body.TryGetProperty("exact", out var e) && e.ValueKind != JsonValueKind.Null
            ? e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : throw ApiException.BadRequest("'exact' must be true or false.", "exact")
            : false;
        var ef = JsonBody.OptionalInt(body, "ef_search") ?? 0;
        if (ef is < 0 or > 4096)
        {
            throw ApiException.BadRequest("'ef_search' must be between 1 and 4096.", "ef_search");
        }

        var query = ReadQuery(body, info, gateway.Value);
        if (query.Image is not null)
        {
            urls.Check([query.Image]);
        }

        var model = models.Resolve(info.Model);
        var price = pricing.Value;
        var imageCount = query.Image is null ? 0 : 1;
        var prompts = query.Text is null ? 0 : 1;
        var charge = new Charge(imageCount, prompts, price.Price(model, imageCount, prompts) + price.CreditsPerSearch, model.Id);
        var tenant = RequestTenant.Of(context);
        return await metering.RunAsync(context, () => body.GetRawText(), charge, async () =>
        {
            var tokens = 0;
            float[] vector;
            if (query.Text is { } text)
            {
                var (vectors, used) = await texts.EmbedAsync(tenant, model.Id, [text]);
                (vector, tokens) = (vectors[0], used);
            }
            else if (query.Image is { } image)
            {
                using var fetched = await urls.ResolveAsync(tenant, [image], context.RequestAborted);
                vector = (await images.EmbedAsync(tenant, model.Id, fetched.Inputs))[0];
            }
            else if (query.ItemId is { } itemId)
            {
                vector = (await grain.GetItem(itemId, withThumbnail: false))?.Vector
                    ?? throw ApiException.NotFound($"Collection '{name}' has no item '{itemId}' to search by.", "item_not_found", "query.item_id");
            }
            else
            {
                vector = query.Vector!;
            }

            var shardQuery = new ShardQuery(vector, topK, filter, threshold, exact, ef, query.ItemId);
            var answers = await Task.WhenAll(Enumerable.Range(0, info.Shards)
                .Select(s => grains.GetGrain<ICollectionShardGrain>(CollectionKey.Shard(info.Uid, s)).Search(shardQuery, info.Index)));

            // Every shard's own top-k holds the global top-k's members from that shard, so merging them is exact.
            var hits = answers.SelectMany(a => a.Hits).OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal).Take(topK)
                .Select(h => new SearchHitObject(h.Id, h.Score, CollectionViews.Metadata(h.Metadata))).ToList();
            var how = new SearchInfo(answers.All(a => a.Exact), info.Shards, Math.Max(ef == 0 ? info.Index.ExpansionSearch : ef, topK));
            return new ChargedResult(200, credits => new SearchResultList(hits, model.Id, how, new CollectionUsage(tokens, imageCount, 0, credits)), charge);
        });
    }

    private static float? Threshold(JsonElement body)
    {
        if (!body.TryGetProperty("score_threshold", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var cosine) && cosine is >= -1 and <= 1
            ? (float)cosine
            : throw ApiException.BadRequest("'score_threshold' must be a cosine between -1 and 1.", "score_threshold");
    }

    // The query's one field: a text, an image (base64 or data URI, or a URL), a stored item, or a vector.
    private sealed record Query(string? Text, ApiInput? Image, string? ItemId, float[]? Vector);

    private static Query ReadQuery(JsonElement body, CollectionInfo info, GatewayOptions gateway)
    {
        if (!body.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("'query' is required: an object with one of text, image, image_url, item_id or embedding.", "query", "missing_required_parameter");
        }

        var fields = QueryFields.Where(n => query.TryGetProperty(n, out var v) && v.ValueKind != JsonValueKind.Null).ToList();
        if (fields.Count != 1)
        {
            throw ApiException.BadRequest(
                $"'query' must have exactly one of text, image, image_url, item_id or embedding (it has {(fields.Count == 0 ? "none" : string.Join(", ", fields))}).",
                "query", fields.Count == 0 ? "missing_required_parameter" : "invalid_request");
        }

        var value = query.GetProperty(fields[0]);
        var param = $"query.{fields[0]}";
        return fields[0] switch
        {
            "text" when value.ValueKind == JsonValueKind.String => new Query(CollectionItemsEndpoints.Text(value.GetString()!, param, gateway.MaxTextLength), null, null, null),
            "image" when value.ValueKind == JsonValueKind.String => new Query(null, DataUri.Image(value, param), null, null),
            "image_url" => new Query(null, CollectionItemsEndpoints.ImageUrl(value, param), null, null),
            "item_id" when value.ValueKind == JsonValueKind.String => new Query(null, null, CollectionViews.ItemId(value.GetString()!), null),
            "embedding" => new Query(null, null, null, EmbeddingReader.Read(value, param, info.Dimensions, info.Model)),
            _ => throw ApiException.BadRequest($"'{param}' must be a string.", param),
        };
    }

    private static async Task<IResult> ClassifyAsync(
        HttpContext context, string name, IGrainFactory grains, ModelCatalog models, TextEmbedder texts, ILabelMatrices labelSets, ChargedRequests metering,
        IOptions<PricingOptions> pricing, IOptions<CollectionOptions> options, IOptions<GatewayOptions> gateway)
    {
        var (grain, info) = await CollectionViews.FindAsync(context, grains, name);
        var limits = gateway.Value;
        var body = await JsonBody.ReadObjectAsync(context.Request, Math.Max(limits.MaxLabelsPerRequest, FilterReader.MaxNodes));
        CollectionViews.CheckModel(JsonBody.OptionalString(body, "model"), info, models);
        var model = models.Resolve(info.Model);
        var setName = JsonBody.OptionalString(body, "label_set");
        var labels = JsonBody.OptionalStrings(body, "labels");
        if ((setName is null) == (labels is null))
        {
            throw ApiException.BadRequest("Give exactly one of 'label_set' (a stored label set's name) or 'labels'.", setName is null ? "labels" : "label_set", "invalid_request");
        }

        var templates = JsonBody.OptionalStrings(body, "templates");
        if (labels is not null)
        {
            LabelValidation.Labels(labels, "labels", limits.MaxLabelsPerRequest, limits.MaxTextLength);
            templates ??= [PromptTemplate.PipelineDefault];
            LabelValidation.Templates(templates, "templates", limits.MaxTemplatesPerRequest, limits.MaxTextLength);
        }
        else if (templates is not null)
        {
            throw ApiException.BadRequest("'templates' go with 'labels'; a label set has its own.", "templates");
        }

        var setLabels = setName is null ? null : await LabelSetAsync(context, labelSets, setName, info);
        var labelCount = setLabels?.Labels.Count ?? labels!.Count;
        var topK = JsonBody.OptionalInt(body, "top_k") ?? Math.Min(5, labelCount);
        if (topK < 1 || topK > labelCount)
        {
            throw ApiException.BadRequest($"'top_k' must be between 1 and the number of labels ({labelCount}).", "top_k");
        }

        var pageSize = CollectionViews.Limit(JsonBody.OptionalInt(body, "limit"), options.Value.MaxClassifyPage);
        var after = JsonBody.OptionalString(body, "after");
        var filter = FilterReader.Read(body.TryGetProperty("filter", out var f) ? f : default, "filter");
        var price = pricing.Value;
        var prompts = labels is null ? 0 : labels.Count * templates!.Count;
        var estimate = new Charge(0, prompts, price.Price(model, 0, prompts) + (pageSize * price.CreditsPerTaggedItem), model.Id);
        var tenant = RequestTenant.Of(context);
        return await metering.RunAsync(context, () => body.GetRawText(), estimate, async () =>
        {
            var tokens = 0;
            var matrix = setLabels;
            if (matrix is null)
            {
                (matrix, tokens) = await texts.EmbedLabelsAsync(tenant, model.Id, labels!, templates!);
            }

            var page = await grain.Page(after, pageSize, filter, withVectors: true) ?? throw CollectionViews.NotFound(name);
            var data = page.Items.Select(item => new TaggedItem(
                item.Id,
                [.. ZeroShot.ClassifyStored(item.Vector, matrix, model.LogitScale, topK).Select(s => new ScoredLabel(s.Label, s.Score, s.Cosine))])).ToList();
            var actual = new Charge(0, prompts, price.Price(model, 0, prompts) + (data.Count * price.CreditsPerTaggedItem), model.Id);
            return new ChargedResult(
                200,
                credits => new TaggedItemList(data, data.FirstOrDefault()?.Id, page.Cursor ?? data.LastOrDefault()?.Id, page.HasMore, model.Id, new CollectionUsage(tokens, 0, data.Count, credits)),
                actual);
        });
    }

    private static async Task<LabelEmbeddings> LabelSetAsync(HttpContext context, ILabelMatrices labelSets, string name, CollectionInfo collection)
    {
        var (info, matrix) = await labelSets.GetAsync(RequestTenant.Of(context), name);
        if (info is null)
        {
            throw ApiException.NotFound($"There is no label set named '{name}'.", "label_set_not_found", "label_set");
        }

        var setModel = LabelSetsEndpoints.ModelOf(info);
        if (setModel != collection.Model)
        {
            throw ApiException.BadRequest(
                $"Label set '{name}' holds '{setModel}' vectors but collection '{collection.Name}' holds '{collection.Model}' vectors; use a label set of '{collection.Model}'.",
                "label_set", "label_set_model_mismatch");
        }

        return matrix is null
            ? throw new ApiException(409, "invalid_request_error", "label_set_not_ready", $"Label set '{name}' v{info.Version} is still being computed; retry when its status is ready.", "label_set")
            {
                RetryAfter = TimeSpan.FromSeconds(2),
            }
            : new LabelEmbeddings(matrix.Labels, matrix.Matrix, matrix.Dimension);
    }
}
