using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy.Leases;

/// <summary>
/// One tenant's allowance on this silo and the demand it is sized from. Guarded by its own lock; every field changes
/// only under it. Credits and tokens here are already out of the tenant's balance and limiters.
/// </summary>
internal sealed class TenantLease
{
    public Lock Gate { get; } = new();

    /// <summary>The lease held; 0 for none.</summary>
    public long Id { get; set; }

    /// <summary>Credits free to admit with (granted, less what admitted requests hold or spent).</summary>
    public long Credits { get; set; }

    public int Requests { get; set; }

    public int Images { get; set; }

    /// <summary>Credits charged under <see cref="Id"/> not yet reported to the ledger.</summary>
    public long Spent { get; set; }

    /// <summary>Requests admitted from the lease and not yet settled.</summary>
    public int InFlight { get; set; }

    /// <summary>Local use ends a margin before the ledger's expiry, so renewals land in time.</summary>
    public DateTimeOffset UsableUntil { get; set; }

    /// <summary>The tenant's last charged request on this silo, admitted from the lease or not.</summary>
    public DateTimeOffset LastUsed { get; set; }

    /// <summary>A grant is being asked for (one at a time per tenant and silo).</summary>
    public bool Refilling { get; set; }

    /// <summary>The last refill an admission asked for (it never throws: failures are logged).</summary>
    public Task? Refill { get; set; }

    /// <summary>What the last grant added, to refill at half of it.</summary>
    public (long Credits, int Requests, int Images) LastGrant { get; set; }

    /// <summary>The limits as the last grant reported them, for the response headers.</summary>
    public (RateLimitStatus? Requests, RateLimitStatus? Images) Limits { get; set; }

    // Demand: charged requests in the current and the previous one-second window, and the mean price and images of one.
    private long _window;
    private int _current;
    private int _previous;

    public double MeanCredits { get; private set; }

    public double MeanImages { get; private set; }

    public void Count(DateTimeOffset now, Charge estimate)
    {
        var window = now.ToUnixTimeMilliseconds() / 1_000;
        if (window != _window)
        {
            _previous = window == _window + 1 ? _current : 0;
            _current = 0;
            _window = window;
        }

        _current++;
        MeanCredits = MeanCredits == 0 ? estimate.Credits : (MeanCredits * 0.9) + (estimate.Credits * 0.1);
        MeanImages = MeanImages == 0 ? estimate.Images : (MeanImages * 0.9) + (estimate.Images * 0.1);
    }

    /// <summary>Requests per second over the last full window (or the current one when it is busier).</summary>
    public int PerSecond(DateTimeOffset now) => now.ToUnixTimeMilliseconds() / 1_000 > _window + 1 ? 0 : Math.Max(_previous, _current);
}
