namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// The meter's limits on idempotency records. Not a configuration section of its own: the gateway sets them from the
/// request settings they follow (<c>ClipGrains:Gateway:MaxStoredResponseBytes</c>, twice <c>RequestTimeout</c>).
/// </summary>
public sealed class TenantMeterOptions
{
    /// <summary>The largest answer kept for Idempotency-Key replays, in bytes.</summary>
    public int MaxStoredResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a claim on an Idempotency-Key holds before it counts as abandoned (its server died).</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(4);
}
