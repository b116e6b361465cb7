namespace ClipGrains.Abstractions.Tenancy;

/// <summary>A tenant as the admin API shows it.</summary>
/// <param name="Id">Opaque id (<c>tn_…</c>).</param>
/// <param name="Name">Display name.</param>
/// <param name="Limits">Rate limits.</param>
/// <param name="Suspended">Whether its keys are refused.</param>
/// <param name="Balance">Credits available (reservations excluded).</param>
/// <param name="Reserved">Credits held by requests in flight.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="Leased">Credits held by silos' leases (admitted locally, reported as spent or returned).</param>
[GenerateSerializer, Immutable, Alias("clipgrains.tenant-info")]
public sealed record TenantInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] TenantLimits Limits,
    [property: Id(3)] bool Suspended,
    [property: Id(4)] long Balance,
    [property: Id(5)] long Reserved,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] long Leased = 0);
