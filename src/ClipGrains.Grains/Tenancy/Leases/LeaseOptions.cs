using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Grains.Tenancy.Leases;

/// <summary>When a silo admits a tenant's requests from a lease instead of one ledger call each. Bound from <c>ClipGrains:Leases</c>.</summary>
public sealed class LeaseOptions
{
    /// <summary>False sends every charged request to the tenant's ledger (the exact path).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A tenant's charged requests per second on this silo from which it asks for a lease; below, the exact path.</summary>
    public int MinRequestsPerSecond { get; set; } = 20;

    /// <summary>Seconds of this silo's recent demand one grant covers.</summary>
    public double DemandSeconds { get; set; } = 2;

    /// <summary>A lease not used for this long (and with nothing in flight) is returned.</summary>
    public TimeSpan IdleRelease { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often leases are renewed, refilled and returned.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a refill waits for the usage log to write the spend it reports; past it the refill reports none this
    /// time (the store is down) and a return is put off, so the ledger never counts spend the log has not written.
    /// </summary>
    public TimeSpan FlushPatience { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What is wrong with these settings (<c>ClipGrains:Leases</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .Positive(nameof(MinRequestsPerSecond), MinRequestsPerSecond)
            .That(DemandSeconds is > 0 and <= 60, nameof(DemandSeconds), $"must be between 0 and 60 (got {DemandSeconds})")
            .Positive(nameof(IdleRelease), IdleRelease)
            .Positive(nameof(CheckInterval), CheckInterval)
            .Positive(nameof(FlushPatience), FlushPatience);
    }
}
