using System.Text.Json;
using ClipGrains.Abstractions.Tenancy;
using System.Runtime.InteropServices;
using ClipGrains.Gateway.Embedding;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;
using ClipGrains.Gateway.Tenancy;
using Microsoft.Extensions.Options;
using ClipGrains.Gateway.OpenApi;

namespace ClipGrains.Gateway.Endpoints;

/// <summary><c>POST /v1/embeddings</c>: OpenAI's embeddings API for texts and images.</summary>
internal static class EmbeddingsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, GatewayOptions limits)
    {
        routes.MapPost("/embeddings", HandleAsync).WithRequestSizeLimit(limits.MaxImageRequestBytes).WithMetadata(ChargedEndpoint.Instance)
            .WithName("createEmbedding").WithTags("Embeddings").WithSummary("Embeds texts and images into CLIP's shared space (OpenAI's embeddings API).")
            .Takes<Contracts.Requests.EmbeddingsBody>().Answers<EmbeddingList>().Fails(400, 404, 409, 413, 415, 422);
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context, TextEmbedder texts, ImageEmbedder images, ModelCatalog models, ChargedRequests metering, ImageUrlResolver urls,
        IOptions<PricingOptions> pricing, IOptions<GatewayOptions> options)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, Math.Max(options.Value.MaxTextsPerRequest, options.Value.MaxImagesPerRequest));
        var model = models.Resolve(JsonBody.OptionalString(body, "model"));
        var dimensions = JsonBody.OptionalInt(body, "dimensions");

        var format = JsonBody.OptionalString(body, "encoding_format") ?? "float";
        if (format is not ("float" or "base64"))
        {
            throw ApiException.BadRequest("'encoding_format' must be \"float\" or \"base64\".", "encoding_format");
        }

        var modality = JsonBody.OptionalString(body, "modality") ?? "text";
        if (modality is not ("text" or "image"))
        {
            throw ApiException.BadRequest("'modality' must be \"text\" or \"image\".", "modality");
        }

        var limits = options.Value;
        var inputs = InputParser.Parse(body.TryGetProperty("input", out var input) ? input : default, modality == "image", Math.Max(limits.MaxTextsPerRequest, limits.MaxImagesPerRequest));
        urls.Check(inputs);
        var imageInputs = inputs.Where(i => i.IsImage).ToList();
        var textInputs = inputs.Where(i => !i.IsImage).ToList();
        if (imageInputs.Count > limits.MaxImagesPerRequest)
        {
            throw ApiException.BadRequest($"The request has {imageInputs.Count} images; at most {limits.MaxImagesPerRequest} are accepted.", "input", "too_many_images");
        }

        foreach (var text in textInputs.Where(t => t.Text!.Length > limits.MaxTextLength))
        {
            throw ApiException.BadRequest($"A text may have at most {limits.MaxTextLength} characters.", text.Param, "text_too_long");
        }

        var charge = new Charge(imageInputs.Count, textInputs.Count, pricing.Value.Price(model, imageInputs.Count, textInputs.Count), model.Id);
        // The model's own size is a harmless no-op (clients send it); anything else would need Matryoshka embeddings.
        // Refused before admission once this gateway has seen the model's size (from its first answer of that model).
        if (dimensions is int asked && models.KnownDimension(model.Id) is int known && asked != known)
        {
            throw UnsupportedDimensions(model.Id, known);
        }

        // The fingerprint of an Idempotency-Key: what the answer depends on, each image by the hash its cache key uses
        // (the raw body would be a string twice its size and a second hash of every image).
        string Canonical() => JsonSerializer.Serialize(new CanonicalForm(
            model.Id, dimensions, format, modality, [.. inputs.Select(i => i.Image is not null ? "image:" + i.ImageHash : i.Url is not null ? "url:" + i.Url : "text:" + i.Text)]));

        return await metering.RunAsync(context, Canonical, charge, async () =>
        {
            // Image URLs are fetched once admitted: a tenant that is refused costs no fetch.
            using var fetched = await urls.ResolveAsync(RequestTenant.Of(context), imageInputs, context.RequestAborted);
            var (textVectors, tokens) = textInputs.Count == 0 ? ([], 0) : await texts.EmbedAsync(RequestTenant.Of(context), model.Id, textInputs.Select(t => t.Text!).ToList());
            var imageVectors = imageInputs.Count == 0 ? [] : await images.EmbedAsync(RequestTenant.Of(context), model.Id, fetched.Inputs);

            // The first request of a model on this gateway learns its size here (a refused request is not charged).
            var size = (textVectors.Length > 0 ? textVectors[0] : imageVectors[0]).Length;
            models.LearnDimension(model.Id, size);
            if (dimensions is int wanted && wanted != size)
            {
                throw UnsupportedDimensions(model.Id, size);
            }

            var data = new List<EmbeddingItem>(inputs.Count);
            int t = 0, m = 0;
            for (var index = 0; index < inputs.Count; index++)
            {
                var vector = inputs[index].IsImage ? imageVectors[m++] : textVectors[t++];
                data.Add(new EmbeddingItem(index, format == "base64" ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())) : vector));
            }

            return new ChargedResult(
                200,
                credits => new EmbeddingList(data, model.Id, new EmbeddingUsage(tokens, tokens, imageInputs.Count, credits)),
                charge);
        });
    }

    private static ApiException UnsupportedDimensions(string model, int size) => ApiException.BadRequest(
        $"'dimensions' must be {size} ({model}'s embedding size) or omitted: CLIP embeddings are not Matryoshka embeddings and cannot be shortened.",
        "dimensions", "unsupported_parameter");

    private sealed record CanonicalForm(string Model, int? Dimensions, string Format, string Modality, List<string> Inputs);
}
