using ClipGrains.Abstractions.Tenancy;
using System.Globalization;
using System.Text.Json;
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
/// <c>/v1/label-sets</c>: create (201 when ready, 202 while the matrix is computed), list, get (with ETag),
/// replace (PUT bumps the version; If-Match supported) and delete. <c>?wait=true</c> on a write waits for the matrix.
/// </summary>
internal static class LabelSetsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, GatewayOptions limits)
    {
        routes.MapPost("/label-sets", CreateAsync).WithRequestSizeLimit(limits.MaxJsonRequestBytes).WithMetadata(ChargedEndpoint.Instance)
            .WithName("createLabelSet").WithTags("Label sets").WithSummary("Creates a label set; 201 when ready, 202 while its prompts are embedded (?wait=true waits).")
            .Takes<Contracts.Requests.LabelSetBody>().Answers<LabelSetObject>(201).Answers<LabelSetObject>(202).Fails(400, 403, 409, 413, 422);
        routes.MapGet("/label-sets", ListAsync)
            .WithName("listLabelSets").WithTags("Label sets").WithSummary("Label sets in name order, paged with limit and after.").Answers<LabelSetList>().Fails(400);
        routes.MapGet("/label-sets/{name}", GetAsync)
            .WithName("retrieveLabelSet").WithTags("Label sets").WithSummary("One label set with its labels; ETag \"v{version}\".").Answers<LabelSetObject>().Fails(404);
        routes.MapPut("/label-sets/{name}", ReplaceAsync).WithRequestSizeLimit(limits.MaxJsonRequestBytes).WithMetadata(ChargedEndpoint.Instance)
            .WithName("replaceLabelSet").WithTags("Label sets").WithSummary("Replaces a label set's labels and templates as a new version (If-Match honoured).")
            .Takes<Contracts.Requests.LabelSetBody>().Answers<LabelSetObject>().Answers<LabelSetObject>(202).Fails(400, 403, 404, 409, 412, 413, 422);
        routes.MapDelete("/label-sets/{name}", DeleteAsync)
            .WithName("deleteLabelSet").WithTags("Label sets").WithSummary("Deletes a label set (If-Match honoured).").Produces(204).Fails(404, 412);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, IGrainFactory grains, ChargedRequests metering, IOptions<PricingOptions> pricing, ModelCatalog models, IOptions<LabelSetBuildOptions> build,
        IOptions<GatewayOptions> gateway)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, Math.Max(build.Value.MaxLabels, build.Value.MaxTemplates));
        var name = JsonBody.OptionalString(body, "name") ?? throw ApiException.BadRequest("'name' is required.", "name", "missing_required_parameter");
        ValidateName(name);
        var model = models.Resolve(JsonBody.OptionalString(body, "model"));
        var definition = ReadDefinition(body, build.Value) with { Model = model.Id };
        var charge = BuildCharge(definition, pricing.Value, model);
        return await metering.RunAsync(context, () => body.GetRawText(), charge, build.Value.ReservationHold, async ticket =>
        {
            var grain = grains.GetGrain<ILabelSetGrain>(LabelSetKey.Of(RequestTenant.Of(context), name));
            var result = await grain.Create(definition, Owned(context, ticket, charge));
            if (result.Outcome == LabelSetWriteOutcome.AlreadyExists)
            {
                throw new ApiException(409, "invalid_request_error", "label_set_exists", $"A label set named '{name}' already exists; use PUT /v1/label-sets/{name} to replace it.", "name");
            }

            if (result.Outcome == LabelSetWriteOutcome.QuotaExceeded)
            {
                throw QuotaExceeded(result);
            }

            ticket.HandOver();

            var info = await WaitIfAskedAsync(context, grain, result.Info!, gateway.Value);
            context.Response.Headers.Location = $"/v1/label-sets/{name}";
            return Written(context, info, created: true, charge);
        });
    }

    // Pages in name order, OpenAI's list shape: ?limit (1-100, default 20) and ?after=<last name of the previous page>.
    private static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, int? limit, string? after)
    {
        if (limit is < 1 or > 100)
        {
            throw ApiException.BadRequest("'limit' must be between 1 and 100.", "limit");
        }

        var tenant = RequestTenant.Of(context);
        var names = await grains.GetGrain<ILabelSetIndexGrain>(tenant).List();
        var rest = names.Where(n => after is null || string.CompareOrdinal(n, after) > 0).ToList();
        var page = rest.Take(limit ?? 20).ToList();
        var infos = await Task.WhenAll(page.Select(n => grains.GetGrain<ILabelSetGrain>(LabelSetKey.Of(tenant, n)).GetInfo()));
        return Results.Json(
            new LabelSetList([.. infos.OfType<LabelSetInfo>().Select(i => Describe(i, includeLabels: false))], page.FirstOrDefault(), page.LastOrDefault(), rest.Count > page.Count),
            ApiJson.Options);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string name, IGrainFactory grains)
    {
        var info = await grains.GetGrain<ILabelSetGrain>(LabelSetKey.Of(RequestTenant.Of(context), name)).GetInfo() ?? throw NotFound(name);
        context.Response.Headers.ETag = ETag(info.Version);
        return Results.Json(Describe(info, includeLabels: true), ApiJson.Options);
    }

    private static async Task<IResult> ReplaceAsync(
        HttpContext context, string name, IGrainFactory grains, ChargedRequests metering, IOptions<PricingOptions> pricing, ModelCatalog models,
        IOptions<LabelSetBuildOptions> build, IOptions<GatewayOptions> gateway)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, Math.Max(build.Value.MaxLabels, build.Value.MaxTemplates));
        if (JsonBody.OptionalString(body, "name") is { } bodyName && bodyName != name)
        {
            throw ApiException.BadRequest($"The body names '{bodyName}' but the URL names '{name}'; a label set cannot be renamed.", "name");
        }

        // Naming a model moves the set to it (a rebuild); naming none keeps the set's, which prices the new version.
        var grain = grains.GetGrain<ILabelSetGrain>(LabelSetKey.Of(RequestTenant.Of(context), name));
        var named = JsonBody.OptionalString(body, "model") is { } requested ? models.Resolve(requested) : null;
        var model = named ?? (await grain.GetInfo() is { } current ? models.Resolve(ModelOf(current)) : models.Default);
        var definition = ReadDefinition(body, build.Value) with { Model = named?.Id ?? string.Empty };
        var ifMatch = IfMatch(context);
        var charge = BuildCharge(definition, pricing.Value, model);
        return await metering.RunAsync(context, () => $"{ifMatch}\n{body.GetRawText()}", charge, build.Value.ReservationHold, async ticket =>
        {
            var result = await grain.Replace(definition, ifMatch, Owned(context, ticket, charge));
            if (result.Outcome == LabelSetWriteOutcome.Replaced)
            {
                ticket.HandOver();
            }

            var info = result.Outcome switch
            {
                LabelSetWriteOutcome.NotFound => throw NotFound(name),
                LabelSetWriteOutcome.VersionMismatch => throw Mismatch(name, result.Info!),
                LabelSetWriteOutcome.QuotaExceeded => throw QuotaExceeded(result),
                _ => result.Info!,
            };
            info = await WaitIfAskedAsync(context, grain, info, gateway.Value);

            // Only a new version is computed, so only a new version is charged.
            return Written(context, info, created: false, result.Outcome == LabelSetWriteOutcome.Unchanged ? Charge.Free : charge);
        });
    }

    // The reservation the set takes over when the write creates a version to build; null when metering is off.
    private static BuildCharge? Owned(HttpContext context, MeterTicket ticket, Charge charge) =>
        ticket.Id is { } id ? new BuildCharge(RequestTenant.Of(context), id, charge.Credits, charge.Texts, Model: charge.Model, KeyId: RequestTenant.KeyOf(context), Route: RequestRoute.Of(context)) : null;

    private static Charge BuildCharge(LabelSetDefinition definition, PricingOptions pricing, Abstractions.Configuration.ModelDeploymentOptions model)
    {
        var prompts = definition.Labels.Count * definition.Templates.Count;
        return new Charge(0, prompts, pricing.Price(model, 0, prompts), model.Id);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string name, IGrainFactory grains)
    {
        var result = await grains.GetGrain<ILabelSetGrain>(LabelSetKey.Of(RequestTenant.Of(context), name)).Delete(IfMatch(context));
        return result.Outcome switch
        {
            LabelSetWriteOutcome.NotFound => throw NotFound(name),
            LabelSetWriteOutcome.VersionMismatch => throw Mismatch(name, result.Info!),
            _ => Results.NoContent(),
        };
    }

    private static async Task<LabelSetInfo> WaitIfAskedAsync(HttpContext context, ILabelSetGrain grain, LabelSetInfo info, GatewayOptions gateway)
    {
        var wait = context.Request.Query["wait"].ToString();
        if (wait is not ("true" or "1") || info.Status != LabelSetStatus.Building)
        {
            return info;
        }

        return await grain.WaitForBuild(info.Version, gateway.LabelSetWaitTimeout) ?? info;
    }

    private static ChargedResult Written(HttpContext context, LabelSetInfo info, bool created, Charge charge)
    {
        context.Response.Headers.ETag = ETag(info.Version);
        var status = info.Status == LabelSetStatus.Building ? StatusCodes.Status202Accepted : created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        return new ChargedResult(status, credits => Describe(info, includeLabels: true, new LabelSetUsage(charge.Texts, credits)), charge);
    }

    private static LabelSetDefinition ReadDefinition(JsonElement body, LabelSetBuildOptions limits)
    {
        var labels = JsonBody.OptionalStrings(body, "labels");
        LabelValidation.Labels(labels, "labels", limits.MaxLabels, limits.MaxTextLength);
        var templates = JsonBody.OptionalStrings(body, "templates");
        var preset = JsonBody.OptionalString(body, "template_preset");
        if (templates is not null && preset is not null)
        {
            throw ApiException.BadRequest("Give either 'templates' or 'template_preset', not both.", "templates");
        }

        if (preset is not null)
        {
            templates = TemplatePresets.Find(preset)?.ToList()
                ?? throw ApiException.BadRequest($"Unknown template_preset '{preset}'; use one of {string.Join(", ", TemplatePresets.Names)}.", "template_preset");
        }

        templates ??= [.. TemplatePresets.OneTemplate];
        preset ??= body.TryGetProperty("templates", out _) ? null : "single";
        LabelValidation.Templates(templates, "templates", limits.MaxTemplates, limits.MaxTextLength);
        if ((long)labels!.Count * templates.Count > limits.MaxPromptsPerSet)
        {
            throw ApiException.BadRequest(
                $"{labels.Count} labels × {templates.Count} templates is {(long)labels.Count * templates.Count} prompts; a label set may have at most {limits.MaxPromptsPerSet}. Use fewer labels or templates.",
                "labels", "too_many_prompts");
        }

        return new LabelSetDefinition(labels, templates, preset);
    }

    private static void ValidateName(string name)
    {
        if (!LabelSetKey.IsValidName(name))
        {
            throw ApiException.BadRequest("'name' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.", "name", "invalid_name");
        }
    }

    private static int? IfMatch(HttpContext context)
    {
        var header = context.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(header) || header == "*")
        {
            return null;
        }

        var trimmed = header.Trim().Trim('"');
        if (trimmed.StartsWith('v') && int.TryParse(trimmed.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return version;
        }

        throw new ApiException(400, "invalid_request_error", "invalid_if_match", $"If-Match must be an ETag returned by this API, such as \"v1\"; got {header}.");
    }

    private static string ETag(int version) => $"\"v{version}\"";

    private static ApiException QuotaExceeded(LabelSetWriteResult result) =>
        new(403, "invalid_request_error", "label_set_quota_exceeded", result.Message ?? "The tenant's label-set quota does not allow this write.");

    private static ApiException NotFound(string name) => ApiException.NotFound($"There is no label set named '{name}'.", "label_set_not_found", "name");

    private static ApiException Mismatch(string name, LabelSetInfo current) =>
        new(412, "invalid_request_error", "version_mismatch", $"Label set '{name}' is at version {current.Version} (ETag \"v{current.Version}\"), not the one in If-Match.");

    private static LabelSetObject Describe(LabelSetInfo info, bool includeLabels, LabelSetUsage? usage = null) => new(
        info.Name,
        info.Version,
        info.Status.ToString().ToLowerInvariant(),
        info.Definition.Labels.Count,
        includeLabels ? info.Definition.Labels : null,
        info.Definition.Templates,
        info.Definition.TemplatePreset,
        new LabelSetProgress(info.PromptsDone, info.PromptsTotal),
        info.CreatedAt.ToUnixTimeSeconds(),
        info.UpdatedAt.ToUnixTimeSeconds(),
        info.Error,
        ModelOf(info),
        usage);

    /// <summary>The model a set's vectors belong to (sets stored before models were configurable belong to the single model).</summary>
    public static string ModelOf(LabelSetInfo info) =>
        info.Definition.Model.Length == 0 ? Abstractions.Configuration.ModelsOptions.LegacyId : info.Definition.Model;
}
