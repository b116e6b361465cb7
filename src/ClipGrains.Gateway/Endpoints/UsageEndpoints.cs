using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Tenancy;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Endpoints;

/// <summary><c>GET /v1/usage</c>: the calling tenant's balance, rate limits with what remains now, and per-day usage.</summary>
internal static class UsageEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/usage", async (HttpContext context, IGrainFactory grains, IOptions<AuthOptions> auth) =>
        {
            if (!auth.Value.Required)
            {
                throw ApiException.NotFound("Usage metering is off on this server (ClipGrains:Auth:Required=false).", "usage_not_metered");
            }

            return Results.Json(await Describe(grains.GetGrain<ITenantGrain>(RequestTenant.Of(context)), days: 30), ApiJson.Options);
        });
    }

    private static object Limit(RateLimitStatus status) =>
        new { limit = status.Limit, remaining = status.Remaining, reset_seconds = Math.Round(status.Reset.TotalSeconds, 3) };

    /// <summary>A tenant's account as JSON (shared with the admin API).</summary>
    public static async Task<object> Describe(ITenantGrain tenant, int days)
    {
        var info = await tenant.GetInfo() ?? throw ApiException.NotFound("There is no such tenant.", "tenant_not_found");
        var usage = await tenant.GetUsage(days);
        var (requests, images) = await tenant.GetRateLimits();
        return new
        {
            @object = "usage",
            tenant = TenantJson.Of(info),
            rate_limits = new { requests = Limit(requests), images = Limit(images) },
            days = usage.Select(d => new
            {
                date = d.Date, requests = d.Requests, images = d.Images, texts = d.Texts, credits = d.Credits, refused = d.Refused, refused_decode_ms = d.RefusedDecodeMilliseconds,
                idempotency_records = d.IdempotencyRecords, idempotency_bytes = d.IdempotencyBytes,
            }),
            totals = new
            {
                requests = usage.Sum(d => d.Requests), images = usage.Sum(d => d.Images), texts = usage.Sum(d => d.Texts), credits = usage.Sum(d => d.Credits),
                refused = usage.Sum(d => d.Refused), refused_decode_ms = usage.Sum(d => d.RefusedDecodeMilliseconds),
                idempotency_records = usage.Sum(d => d.IdempotencyRecords), idempotency_bytes = usage.Sum(d => d.IdempotencyBytes),
            },
        };
    }
}
