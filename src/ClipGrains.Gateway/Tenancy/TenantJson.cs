using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>A tenant as the API shows it (admin API and <c>/v1/usage</c>).</summary>
internal static class TenantJson
{
    public static Contracts.TenantObject Of(TenantInfo info) => new(
        info.Id, info.Name, info.Balance, info.Reserved, info.Leased, info.Suspended,
        new Contracts.TenantLimitsObject(info.Limits.RequestsPerMinute, info.Limits.ImagesPerMinute), info.CreatedAt.ToUnixTimeSeconds());
}
