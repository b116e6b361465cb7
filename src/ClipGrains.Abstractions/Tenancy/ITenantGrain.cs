using Orleans.Concurrency;

namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// A tenant's single writer for money and limits, keyed by tenant id: profile, rate limiters (exact across
/// the cluster because this is the one activation that decides), and the credit ledger with reservations.
/// Every change to credits or reservations is persisted before the call returns.
/// </summary>
[Alias("clipgrains.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant; false when it exists.</summary>
    [Alias("Create")]
    Task<bool> Create(string name, TenantLimits limits, long initialCredits);

    /// <summary>The tenant, or null when it does not exist.</summary>
    [ReadOnly, Alias("GetInfo")]
    Task<TenantInfo?> GetInfo();

    /// <summary>Replaces the rate limits.</summary>
    [Alias("SetLimits")]
    Task<TenantInfo?> SetLimits(TenantLimits limits);

    /// <summary>Suspends or resumes: a suspended tenant's keys are refused at once on every silo.</summary>
    [Alias("SetSuspended")]
    Task<TenantInfo?> SetSuspended(bool suspended);

    /// <summary>Checks both rate limits and reserves the credits, atomically: either all pass or nothing changes.</summary>
    [Alias("Admit")]
    Task<AdmissionResult> Admit(Admission admission);

    /// <summary>
    /// Takes one request from a rate limit without reserving credits: the requests-per-minute limit for work that costs
    /// nothing (an idempotent replay, a delete), or, with <paramref name="read"/>, the separate and larger reads-per-minute
    /// limit for lookups. Nothing is persisted (rate-limiter state never is).
    /// </summary>
    [Alias("Take")]
    Task<AdmissionResult> Take(bool read);

    /// <summary>
    /// Whether a request of this tenant could be admitted now, taking and reserving nothing: the refusal that would hold
    /// for every request (suspended, request limit spent, empty balance) with the time it holds until, else admitted.
    /// Asked before a request's body is read by a silo that knows nothing recent of the tenant.
    /// </summary>
    [ReadOnly, Alias("Probe")]
    Task<AdmissionResult> Probe();

    /// <summary>
    /// Commits or refunds a reservation; a second settlement of the same id changes nothing. What was decided is appended
    /// to the usage log once the ledger is written.
    /// </summary>
    [Alias("Settle")]
    Task<long> Settle(Settlement settlement);

    /// <summary>
    /// Grants, renews or returns a silo's lease: the silo's report of credits spent is committed, then up to the wanted
    /// credits (taken out of the balance) and rate-limit tokens (taken from the limiters) are added, sized so that the
    /// balance stays with the exact path when it is nearly exhausted. The sum of outstanding leases never exceeds what
    /// the balance held, so the balance never goes negative.
    /// </summary>
    [Alias("Lease")]
    Task<LeaseGrant> Lease(LeaseRequest request);

    /// <summary>Adds credits once per idempotency key.</summary>
    [Alias("TopUp")]
    Task<TopUpResult> TopUp(string idempotencyKey, long amount, string reason);

    /// <summary>What the rate limits allow right now (requests, images), without taking anything.</summary>
    [ReadOnly, Alias("GetRateLimits")]
    Task<(RateLimitStatus Requests, RateLimitStatus Images)> GetRateLimits();

    /// <summary>Creates an API key for this tenant and returns (key id, full key); the secret exists only in this reply.</summary>
    [Alias("CreateKey")]
    Task<(string KeyId, string Key)?> CreateKey(string name);

    /// <summary>Key ids of the tenant (revoked ones included).</summary>
    [ReadOnly, Alias("ListKeys")]
    Task<IReadOnlyList<string>> ListKeys();
}
