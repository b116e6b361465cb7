namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// What the ledger granted: added to the silo's allowance under <see cref="LeaseId"/>. A different id than the one the
/// silo held means its old lease ended (expired and was reconciled from the usage log): the silo starts afresh.
/// </summary>
/// <param name="LeaseId">The lease; 0 when the silo holds none now (refused, released, or the tenant suspended).</param>
/// <param name="Credits">Credits added (already taken out of the balance).</param>
/// <param name="Requests">Request tokens added (already taken from the per-minute limit).</param>
/// <param name="Images">Image tokens added.</param>
/// <param name="ExpiresAt">When the ledger stops honouring the lease unless it is renewed.</param>
/// <param name="RequestLimit">The request limit now, for the response headers.</param>
/// <param name="ImageLimit">The image limit now, for the response headers.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.lease-grant")]
public sealed record LeaseGrant(
    [property: Id(0)] long LeaseId,
    [property: Id(1)] long Credits,
    [property: Id(2)] int Requests,
    [property: Id(3)] int Images,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] RateLimitStatus? RequestLimit = null,
    [property: Id(6)] RateLimitStatus? ImageLimit = null)
{
    /// <summary>No lease: admit through the ledger, request by request.</summary>
    public static LeaseGrant None { get; } = new(0, 0, 0, 0, DateTimeOffset.MinValue);
}
