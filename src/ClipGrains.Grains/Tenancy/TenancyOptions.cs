using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Grains.Tenancy;

/// <summary>Ledger timing. Bound from <c>ClipGrains:Tenancy</c>.</summary>
public sealed class TenancyOptions
{
    /// <summary>
    /// How long a reservation holds credits before it is refunded automatically (longer than any request), and how long
    /// a settled reservation's id is remembered so a retried admit or settle of the same request is a no-op.
    /// </summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long idempotency records (API requests with an Idempotency-Key, and top-ups) are kept.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Reads (label-set lookups, usage, models) a tenant may make per minute; a tenant whose request limit is higher gets
    /// that instead. Separate from the request limit so a dashboard polling usage never eats into the work it measures.
    /// </summary>
    public int ReadsPerMinute { get; set; } = 600;

    /// <summary>How often each silo deletes idempotency records past their retention.</summary>
    public TimeSpan IdempotencySweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a lease lasts unless its silo renews it (silos renew well before, while they use it).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long past its expiry a lease's credits stay out before the ledger takes them back, less what the usage log shows
    /// spent under it: long enough for requests admitted just before expiry to finish and their records to be written.
    /// </summary>
    public TimeSpan LeaseReclaimDelay { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>A lease is granted only while the balance is at least this many times the credits wanted; below, every request goes to the ledger.</summary>
    public int LeaseBalanceFactor { get; set; } = 4;

    /// <summary>What is wrong with these settings (<c>ClipGrains:Tenancy</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .Positive(nameof(ReservationTimeout), ReservationTimeout)
            .Positive(nameof(IdempotencyRetention), IdempotencyRetention)
            .Positive(nameof(ReadsPerMinute), ReadsPerMinute)
            .Positive(nameof(IdempotencySweepInterval), IdempotencySweepInterval)
            .Positive(nameof(LeaseDuration), LeaseDuration)
            .NotNegative(nameof(LeaseReclaimDelay), LeaseReclaimDelay)
            .Positive(nameof(LeaseBalanceFactor), LeaseBalanceFactor);
    }
}
