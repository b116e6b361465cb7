using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Gateway.Embedding;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;
using ClipGrains.Gateway.Tenancy;
using ClipGrains.Scoring;
using Microsoft.Extensions.Options;
using ClipGrains.Gateway.OpenApi;

namespace ClipGrains.Gateway.Endpoints;

/// <summary>
/// <c>POST /v1/classifications</c>: zero-shot classification of one or more images against ad-hoc labels or a
/// stored label set, as JSON or as <c>multipart/form-data</c> (for <c>curl -F image=@cat.jpg -F labels=cat,dog</c>).
/// </summary>
internal static class ClassificationsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, GatewayOptions limits)
    {
        routes.MapPost("/classifications", HandleAsync).WithRequestSizeLimit(limits.MaxImageRequestBytes).DisableAntiforgery().WithMetadata(ChargedEndpoint.Instance)
            .WithName("createClassification").WithTags("Classifications").WithSummary("Zero-shot classification of images against labels or a stored label set.")
            .Takes<Contracts.Requests.ClassificationBody>("application/json", "multipart/form-data").Answers<ClassificationList>().Fails(400, 404, 409, 413, 415, 422);
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context, ClassificationRequestReader reader, TextEmbedder texts, ImageEmbedder images,
        ILabelMatrices labelSets, ModelCatalog models, ChargedRequests metering, ImageUrlResolver urls, IOptions<PricingOptions> pricing)
    {
        var request = await reader.ReadAsync(context.Request);

        // A label set's vectors live in its model's space: the request runs on that model, and naming another is an error.
        LabelEmbeddings? setLabels = null;
        var model = models.Resolve(request.Model);
        if (request.LabelSet is { } name)
        {
            var (info, matrix) = await labelSets.GetAsync(RequestTenant.Of(context), name);
            setLabels = info switch
            {
                null => throw ApiException.NotFound($"There is no label set named '{name}'.", "label_set_not_found", "label_set"),
                { Status: Abstractions.LabelSets.LabelSetStatus.Failed } => throw new ApiException(409, "invalid_request_error", "label_set_failed",
                    $"Label set '{name}' failed to build ({info.Error}); replace it to retry.", "label_set"),
                _ when matrix is null => throw new ApiException(409, "invalid_request_error", "label_set_not_ready",
                    $"Label set '{name}' v{info.Version} is still being computed ({info.PromptsDone}/{info.PromptsTotal} prompts); retry when its status is ready.", "label_set")
                {
                    RetryAfter = TimeSpan.FromSeconds(2),
                },
                _ => new LabelEmbeddings(matrix.Labels, matrix.Matrix, matrix.Dimension),
            };
            var setModel = LabelSetsEndpoints.ModelOf(info);
            if (request.Model is { } asked && asked != setModel)
            {
                throw ApiException.BadRequest(
                    $"Label set '{name}' holds '{setModel}' vectors but the request asks for '{asked}'; omit 'model', ask for '{setModel}', or replace the set with \"model\": \"{asked}\" to rebuild it.",
                    "model", "label_set_model_mismatch");
            }

            model = models.Resolve(setModel);
        }

        var charge = new Charge(request.Images.Count, request.Prompts, pricing.Value.Price(model, request.Images.Count, request.Prompts), model.Id);
        return await metering.RunAsync(context, request.Canonical, charge, async () =>
        {
            // Image URLs are fetched once admitted: a tenant that is refused costs no fetch.
            using var fetched = await urls.ResolveAsync(RequestTenant.Of(context), request.Images, context.RequestAborted);
            LabelEmbeddings labels;
            float[][] vectors;
            var promptTokens = 0;
            if (setLabels is not null)
            {
                labels = setLabels;
                vectors = await images.EmbedAsync(RequestTenant.Of(context), model.Id, fetched.Inputs);
            }
            else
            {
                // Prompts and images go through different towers and queues: encoding them at once makes the
                // request's latency the longer of the two instead of their sum.
                var labelWork = texts.EmbedLabelsAsync(RequestTenant.Of(context), model.Id, request.Labels!, request.Templates);
                var imageWork = images.EmbedAsync(RequestTenant.Of(context), model.Id, fetched.Inputs);
                await Task.WhenAll(labelWork, imageWork).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                (labels, promptTokens) = await labelWork;
                vectors = await imageWork;
            }

            var logitScale = model.LogitScale;
            var data = vectors.Select((vector, index) => new ClassificationItem(
                index,
                ZeroShot.Classify(vector, labels, logitScale, request.TopK ?? int.MaxValue).Select(s => new ScoredLabel(s.Label, s.Score, s.Cosine)).ToList())).ToList();
            return new ChargedResult(
                200,
                credits => new ClassificationList(model.Id, data, new ClassificationUsage(request.Images.Count, promptTokens, promptTokens, credits)),
                charge);
        });
    }
}
