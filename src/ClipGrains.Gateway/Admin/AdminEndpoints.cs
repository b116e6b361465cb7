using System.Security.Cryptography;
using System.Text.Json;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Endpoints;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;
using ClipGrains.Gateway.Tenancy;
using ClipGrains.Gateway.OpenApi;

namespace ClipGrains.Gateway.Admin;

/// <summary>
/// <c>/admin/v1</c>: tenants, keys, limits, suspension and credit top-ups, for the operator key only. Key secrets
/// appear in exactly one response, the one that creates them.
/// </summary>
internal static class AdminEndpoints
{
    // No admin body carries a list.
    private const int MaxArrayItems = 16;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/v1").RequireAuthorization(Security.AuthSchemes.OperatorPolicy).WithTags("Admin").Fails(401, 500, 503);
        admin.MapPost("/tenants", CreateTenantAsync)
            .WithName("createTenant").WithSummary("Creates a tenant.").Takes<Contracts.Requests.CreateTenantBody>().Answers<TenantObject>(201).Fails(400, 409);
        admin.MapGet("/tenants", ListTenantsAsync).WithName("listTenants").WithSummary("Every tenant.").Answers<TenantList>();
        admin.MapGet("/tenants/{id}", async (HttpContext context, string id, IGrainFactory grains, IUsageLog log, TimeProvider time) =>
                Results.Json(await UsageEndpoints.Describe(Tenant(grains, id), log, UsageRange.Of(context.Request, time)), ApiJson.Options))
            .WithName("retrieveTenant").WithSummary("A tenant's account and its usage of the last 30 days.").Answers<UsageReport>().Fails(404);
        admin.MapGet("/tenants/{id}/usage", async (HttpContext context, string id, int? days, IGrainFactory grains, IUsageLog log, TimeProvider time) =>
                Results.Json(await UsageEndpoints.Describe(Tenant(grains, id), log, UsageRange.Of(context.Request, time, days)), ApiJson.Options))
            .WithName("retrieveTenantUsage").WithSummary("A tenant's account and its usage per day, model and key (?days= or ?from=&to=).").Answers<UsageReport>().Fails(400, 404);
        admin.MapGet("/tenants/{id}/usage/records", UsageExport.ExportAsync)
            .WithName("exportTenantUsage").WithSummary("A tenant's usage records for invoicing, streamed as JSON lines or CSV (?format=, ?from=&to=).")
            .Produces<string>(200, "application/x-ndjson", "text/csv").Fails(400, 404);
        admin.MapPatch("/tenants/{id}", PatchTenantAsync)
            .WithName("updateTenant").WithSummary("Changes a tenant's limits or suspension.").Takes<Contracts.Requests.PatchTenantBody>().Answers<TenantObject>().Fails(400, 404);
        admin.MapPost("/tenants/{id}/suspend", async (string id, IGrainFactory grains) => Describe(await Tenant(grains, id).SetSuspended(true)))
            .WithName("suspendTenant").WithSummary("Refuses the tenant's keys until resumed.").Answers<TenantObject>().Fails(404);
        admin.MapPost("/tenants/{id}/resume", async (string id, IGrainFactory grains) => Describe(await Tenant(grains, id).SetSuspended(false)))
            .WithName("resumeTenant").WithSummary("Accepts the tenant's keys again.").Answers<TenantObject>().Fails(404);
        admin.MapPost("/tenants/{id}/keys", CreateKeyAsync)
            .WithName("createKey").WithSummary("Creates an API key; its secret is in this response only.").Takes<Contracts.Requests.CreateKeyBody>().Answers<CreatedKeyObject>(201).Fails(400, 404);
        admin.MapGet("/tenants/{id}/keys", ListKeysAsync).WithName("listKeys").WithSummary("A tenant's keys, without secrets.").Answers<KeyList>().Fails(404);
        admin.MapDelete("/tenants/{id}/keys/{keyId}", async (string id, string keyId, IGrainFactory grains) =>
            await grains.GetGrain<IApiKeyGrain>(keyId).Revoke(id) ? Results.NoContent() : throw ApiException.NotFound($"Tenant '{id}' has no key '{keyId}'.", "key_not_found"))
            .WithName("revokeKey").WithSummary("Revokes a key at once.").Produces(204).Fails(404);
        admin.MapGet("/models", async (Abstractions.Cluster.IModelDirectory cluster) => Results.Json(
                new SiloModelsList([.. (await cluster.SnapshotsAsync()).Select(s => new SiloModels(s.Silo, s.Snapshot.Load, [.. s.Snapshot.Models.Select(m => new SiloModel(m.Model, m.Loaded, m.Loading))]))]),
                ApiJson.Options))
            .WithName("listModelCopies").WithSummary("Where each model is loaded: every active silo with its load and models.").Answers<SiloModelsList>();
        admin.MapPost("/tenants/{id}/credits", TopUpAsync)
            .WithName("topUpCredits").WithSummary("Adds credits; needs an Idempotency-Key header.").Takes<Contracts.Requests.TopUpBody>().Answers<CreditTopUp>().Fails(400, 404, 422);
    }

    private static async Task<IResult> CreateTenantAsync(HttpContext context, IGrainFactory grains)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, MaxArrayItems);
        var name = JsonBody.OptionalString(body, "name");
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw ApiException.BadRequest("'name' is required (1-200 characters).", "name", "missing_required_parameter");
        }

        var credits = body.TryGetProperty("credits", out var c) && c.ValueKind != JsonValueKind.Null
            ? c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var n) && n >= 0 ? n : throw ApiException.BadRequest("'credits' must be a non-negative integer.", "credits")
            : 0;
        var limits = ReadLimits(body) ?? TenantLimits.Default;
        var id = "tn_" + RandomNumberGenerator.GetString("0123456789abcdefghijklmnopqrstuvwxyz", 12);
        var tenant = Tenant(grains, id);
        if (!await tenant.Create(name, limits, credits))
        {
            throw new ApiException(409, "invalid_request_error", "tenant_exists", "Tenant id collision; retry.");
        }

        return Describe(await tenant.GetInfo(), StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListTenantsAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).List();
        var infos = await Task.WhenAll(ids.Select(id => Tenant(grains, id).GetInfo()));
        return Results.Json(new TenantList([.. infos.OfType<TenantInfo>().Select(TenantJson.Of)]), ApiJson.Options);
    }

    private static async Task<IResult> PatchTenantAsync(HttpContext context, string id, IGrainFactory grains)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, MaxArrayItems);
        var tenant = Tenant(grains, id);
        var info = await tenant.GetInfo() ?? throw TenantNotFound(id);
        if (ReadLimits(body) is { } limits)
        {
            info = await tenant.SetLimits(limits);
        }

        if (body.TryGetProperty("suspended", out var suspended))
        {
            info = suspended.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? await tenant.SetSuspended(suspended.GetBoolean())
                : throw ApiException.BadRequest("'suspended' must be true or false.", "suspended");
        }

        return Describe(info);
    }

    private static async Task<IResult> CreateKeyAsync(HttpContext context, string id, IGrainFactory grains)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, MaxArrayItems);
        var name = JsonBody.OptionalString(body, "name") ?? "default";
        if (name.Length > 200)
        {
            throw ApiException.BadRequest("'name' may have at most 200 characters.", "name");
        }

        var created = await Tenant(grains, id).CreateKey(name) ?? throw TenantNotFound(id);
        var info = await grains.GetGrain<IApiKeyGrain>(created.KeyId).GetInfo();
        return Results.Json(new CreatedKeyObject(created.KeyId, created.Key, name, info!.Prefix, info.CreatedAt.ToUnixTimeSeconds()), ApiJson.Options, statusCode: 201);
    }

    private static async Task<IResult> ListKeysAsync(string id, IGrainFactory grains)
    {
        var tenant = Tenant(grains, id);
        _ = await tenant.GetInfo() ?? throw TenantNotFound(id);
        var keys = await Task.WhenAll((await tenant.ListKeys()).Select(k => grains.GetGrain<IApiKeyGrain>(k).GetInfo()));
        return Results.Json(
            new KeyList([.. keys.OfType<ApiKeyInfo>().Select(k => new KeyObject(k.Id, k.Name, k.Prefix, k.CreatedAt.ToUnixTimeSeconds(), k.LastUsedAt?.ToUnixTimeSeconds(), k.Revoked))]),
            ApiJson.Options);
    }

    private static async Task<IResult> TopUpAsync(HttpContext context, string id, IGrainFactory grains)
    {
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length is 0 or > 255)
        {
            throw ApiException.BadRequest("Top-ups need an Idempotency-Key header (1-255 characters) so a retry never adds credits twice.", code: "missing_idempotency_key");
        }

        var body = await JsonBody.ReadObjectAsync(context.Request, MaxArrayItems);
        var amount = body.TryGetProperty("amount", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt64(out var n) && n > 0
            ? n
            : throw ApiException.BadRequest("'amount' must be a positive integer.", "amount");
        var reason = JsonBody.OptionalString(body, "reason") ?? string.Empty;
        var tenant = Tenant(grains, id);
        _ = await tenant.GetInfo() ?? throw TenantNotFound(id);
        var result = await tenant.TopUp(key, amount, reason);

        if (result.Overflow)
        {
            throw ApiException.BadRequest(
                $"Adding {amount} credits would take the balance past {long.MaxValue}; top up a smaller amount.", "amount", "credits_overflow");
        }

        if (result.Conflict)
        {
            throw new ApiException(422, "invalid_request_error", "idempotency_key_reused", "This Idempotency-Key was used for a different top-up; use a new key.");
        }

        if (!result.Applied)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return Results.Json(new CreditTopUp(id, amount, reason, result.Balance), ApiJson.Options);
    }

    private static TenantLimits? ReadLimits(JsonElement body)
    {
        if (!body.TryGetProperty("limits", out var limits) || limits.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        int Read(string name) =>
            limits.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n > 0
                ? n
                : throw ApiException.BadRequest($"'limits.{name}' must be a positive integer.", $"limits.{name}");
        return limits.ValueKind == JsonValueKind.Object
            ? new TenantLimits(Read("requests_per_minute"), Read("images_per_minute"))
            : throw ApiException.BadRequest("'limits' must be an object.", "limits");
    }

    private static ITenantGrain Tenant(IGrainFactory grains, string id) => grains.GetGrain<ITenantGrain>(id);

    private static ApiException TenantNotFound(string id) => ApiException.NotFound($"There is no tenant '{id}'.", "tenant_not_found");

    private static IResult Describe(TenantInfo? info, int status = 200) =>
        info is null ? throw ApiException.NotFound("There is no such tenant.", "tenant_not_found") : Results.Json(TenantJson.Of(info), ApiJson.Options, statusCode: status);
}
