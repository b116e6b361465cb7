namespace ClipGrains.Abstractions.Tenancy;

/// <summary>Per-tenant rate limits, each over a rolling minute (GCRA: a full minute's allowance may be used as one burst).</summary>
/// <param name="RequestsPerMinute">Requests of any kind to <c>/v1</c>.</param>
/// <param name="ImagesPerMinute">Images embedded or classified.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.tenant-limits")]
public sealed record TenantLimits(
    [property: Id(0)] int RequestsPerMinute,
    [property: Id(1)] int ImagesPerMinute)
{
    /// <summary>Limits of a tenant created without any.</summary>
    public static TenantLimits Default { get; } = new(600, 600);
}
