namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// One idempotency key of one tenant, keyed <c>{tenant}/{key}</c>: claims the key atomically (persisted before
/// replying), keeps the final response for 24 hours, and compares request fingerprints.
/// </summary>
[Alias("clipgrains.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the key for a request with <paramref name="fingerprint"/>. A claim older than <paramref name="lease"/>
    /// that never completed (its server died) is considered abandoned.
    /// </summary>
    [Alias("Begin")]
    Task<IdempotencyDecision> Begin(string fingerprint, TimeSpan lease);

    /// <summary>Stores the final response of the claim.</summary>
    [Alias("Complete")]
    Task Complete(string fingerprint, StoredResponse response);

    /// <summary>Releases the claim without a response (the request failed before doing anything chargeable).</summary>
    [Alias("Abandon")]
    Task Abandon(string fingerprint);
}
