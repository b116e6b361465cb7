using System.Globalization;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.OpenApi;
using ClipGrains.Gateway.Tenancy;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Endpoints;

/// <summary>
/// <c>GET /v1/usage</c>: the calling tenant's balance, rate limits with what remains now, and its usage in a time range
/// (<c>?from=&amp;to=</c>, UTC dates or instants; the last 30 days by default) per day, per model and per API key, summed
/// from the usage log.
/// </summary>
internal static class UsageEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/usage", async (HttpContext context, IGrainFactory grains, IUsageLog log, TimeProvider time, IOptions<AuthOptions> auth) =>
        {
            if (!auth.Value.Required)
            {
                throw ApiException.NotFound("Usage metering is off on this server (ClipGrains:Auth:Required=false).", "usage_not_metered");
            }

            var tenant = RequestTenant.Of(context);
            return Results.Json(await Describe(grains.GetGrain<ITenantGrain>(tenant), log, UsageRange.Of(context.Request, time)), ApiJson.Options);
        }).WithName("retrieveUsage").WithTags("Usage")
            .WithSummary("The calling tenant's balance, rate limits and usage per day, model and key (?from=&to=, default the last 30 days).")
            .Answers<UsageReport>().Fails(400, 404);
    }

    private static RateLimitObject Limit(RateLimitStatus status) => new(status.Limit, status.Remaining, Math.Round(status.Reset.TotalSeconds, 3));

    /// <summary>A tenant's account and its usage in <paramref name="range"/> (shared with the admin API).</summary>
    public static async Task<UsageReport> Describe(ITenantGrain tenant, IUsageLog log, UsageRange range)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(log);
        var info = await tenant.GetInfo() ?? throw ApiException.NotFound("There is no such tenant.", "tenant_not_found");

        // This process's queued records first, so a report read where the requests ran includes all of them; another
        // silo's last records may still be in its write window (FlushInterval, 25 ms).
        await log.FlushAsync();
        var groups = await log.SummarizeAsync(info.Id, range.From, range.To);
        var collections = await log.SummarizeCollectionsAsync(info.Id, range.From, range.To);
        var (requests, images) = await tenant.GetRateLimits();
        return new UsageReport(
            TenantJson.Of(info),
            new RateLimitsObject(Limit(requests), Limit(images)),
            Instant(range.From),
            Instant(range.To),
            [.. groups.GroupBy(g => g.Date, StringComparer.Ordinal).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => Day(d.Key, [.. d]))],
            Totals(groups),
            [.. collections.Select(c => new CollectionUsageObject(c.Collection, c.Requests, c.Images, c.Texts, c.Credits))]);
    }

    private static UsageDayObject Day(string date, IReadOnlyList<UsageGroup> groups) => new(
        date, groups.Sum(g => g.Requests), groups.Sum(g => g.Images), groups.Sum(g => g.Texts), groups.Sum(g => g.Credits), groups.Sum(g => g.Refused),
        groups.Sum(g => g.RefusedDecodeMilliseconds), groups.Sum(g => g.StoredResponses), groups.Sum(g => g.StoredBytes), Models(groups), Keys(groups));

    private static UsageTotals Totals(IReadOnlyList<UsageGroup> groups) => new(
        groups.Sum(g => g.Requests), groups.Sum(g => g.Images), groups.Sum(g => g.Texts), groups.Sum(g => g.Credits), groups.Sum(g => g.Refused),
        groups.Sum(g => g.RefusedDecodeMilliseconds), groups.Sum(g => g.StoredResponses), groups.Sum(g => g.StoredBytes), Models(groups), Keys(groups));

    // Only charged work has a model or key share: refused requests are counted in the day's totals alone.
    private static List<ModelUsageObject> Models(IEnumerable<UsageGroup> groups) =>
        [.. groups.Where(g => g.Requests > 0).GroupBy(g => g.Model, StringComparer.Ordinal).OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => new ModelUsageObject(m.Key, m.Sum(g => g.Requests), m.Sum(g => g.Images), m.Sum(g => g.Texts), m.Sum(g => g.Credits)))];

    private static List<KeyUsageObject> Keys(IEnumerable<UsageGroup> groups) =>
        [.. groups.Where(g => g.Requests > 0).GroupBy(g => g.KeyId, StringComparer.Ordinal).OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => new KeyUsageObject(k.Key, k.Sum(g => g.Requests), k.Sum(g => g.Images), k.Sum(g => g.Texts), k.Sum(g => g.Credits)))];

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
