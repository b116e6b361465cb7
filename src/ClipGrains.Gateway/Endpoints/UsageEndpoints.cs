using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Tenancy;
using Microsoft.Extensions.Options;
using ClipGrains.Gateway.OpenApi;

namespace ClipGrains.Gateway.Endpoints;

/// <summary><c>GET /v1/usage</c>: the calling tenant's balance, rate limits with what remains now, and per-day usage broken down by model.</summary>
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
        }).WithName("retrieveUsage").WithTags("Usage").WithSummary("The calling tenant's balance, rate limits and usage of the last 30 days.").Answers<UsageReport>().Fails(404);
    }

    private static RateLimitObject Limit(RateLimitStatus status) => new(status.Limit, status.Remaining, Math.Round(status.Reset.TotalSeconds, 3));

    /// <summary>A tenant's account as JSON (shared with the admin API).</summary>
    public static async Task<UsageReport> Describe(ITenantGrain tenant, int days)
    {
        var info = await tenant.GetInfo() ?? throw ApiException.NotFound("There is no such tenant.", "tenant_not_found");
        var usage = await tenant.GetUsage(days);
        var (requests, images) = await tenant.GetRateLimits();
        return new UsageReport(
            TenantJson.Of(info),
            new RateLimitsObject(Limit(requests), Limit(images)),
            [.. usage.Select(d => new UsageDayObject(
                d.Date, d.Requests, d.Images, d.Texts, d.Credits, d.Refused, d.RefusedDecodeMilliseconds, d.IdempotencyRecords, d.IdempotencyBytes, Models(d.Models ?? [])))],
            new UsageTotals(
                usage.Sum(d => d.Requests), usage.Sum(d => d.Images), usage.Sum(d => d.Texts), usage.Sum(d => d.Credits), usage.Sum(d => d.Refused),
                usage.Sum(d => d.RefusedDecodeMilliseconds), usage.Sum(d => d.IdempotencyRecords), usage.Sum(d => d.IdempotencyBytes),
                Models(ModelUsage.Sum(usage.SelectMany(d => d.Models ?? [])))));
    }

    private static List<ModelUsageObject> Models(IEnumerable<ModelUsage> shares) =>
        [.. shares.OrderBy(s => s.Model, StringComparer.Ordinal).Select(s => new ModelUsageObject(s.Model, s.Requests, s.Images, s.Texts, s.Credits))];
}
