namespace ClipGrains.Abstractions.Tenancy;

/// <summary>An API key as the admin API lists it: never the secret.</summary>
/// <param name="Id">Public key id (the part after <c>cg_</c>).</param>
/// <param name="TenantId">Owner.</param>
/// <param name="Name">Label given at creation.</param>
/// <param name="Prefix">Display form, e.g. <c>cg_k7f3a9_Ab3d…</c>.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="LastUsedAt">Last successful authentication (minute precision).</param>
/// <param name="Revoked">Whether it has been revoked.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.api-key-info")]
public sealed record ApiKeyInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Prefix,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? LastUsedAt,
    [property: Id(6)] bool Revoked);
