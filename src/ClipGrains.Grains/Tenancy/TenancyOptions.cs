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

    /// <summary>What is wrong with these settings (<c>ClipGrains:Tenancy</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .Positive(nameof(ReservationTimeout), ReservationTimeout)
            .Positive(nameof(IdempotencyRetention), IdempotencyRetention)
            .Positive(nameof(ReadsPerMinute), ReadsPerMinute)
            .Positive(nameof(IdempotencySweepInterval), IdempotencySweepInterval);
    }
}
