using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>A tenant as the API shows it (admin API and <c>/v1/usage</c>).</summary>
internal static class TenantJson
{
    public static object Of(TenantInfo info) => new
    {
        @object = "tenant",
        id = info.Id,
        name = info.Name,
        balance = info.Balance,
        reserved = info.Reserved,
        suspended = info.Suspended,
        limits = new { requests_per_minute = info.Limits.RequestsPerMinute, images_per_minute = info.Limits.ImagesPerMinute },
        created_at = info.CreatedAt.ToUnixTimeSeconds(),
    };
}
