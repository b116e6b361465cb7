using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>Credit leases: a silo's allowance out of the balance and the limiters, reported, renewed, returned or reclaimed.</summary>
internal sealed partial class TenantGrain
{
    public async Task<LeaseGrant> Lease(LeaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var changed = ExpireReservations(now) | await ReclaimLapsedLeasesAsync(now);

        // The silo's report first: what it spent under the lease it still holds is committed.
        S.Leases.TryGetValue(request.Silo, out var lease);
        if (lease is not null && lease.Id == request.LeaseId && request.Spent > 0)
        {
            var spent = Math.Min(request.Spent, lease.Outstanding);
            lease = lease with { Outstanding = lease.Outstanding - spent, Reported = lease.Reported + spent };
            S.Leases[request.Silo] = lease;
            S.Committed += spent;
            changed = true;
        }

        if (lease is not null && lease.Id == request.LeaseId)
        {
            _inheritedLeases.Remove(lease.Id); // Its silo is alive and renewing: accounted for.
        }

        // A report for a lease that ended (it lapsed and was reconciled from the usage log) is not counted again.
        if (lease is not null && (lease.Id != request.LeaseId || request.Release || !S.Exists || S.Suspended))
        {
            S.Balance += lease.Outstanding;
            S.Leases.Remove(request.Silo);
            _inheritedLeases.Remove(lease.Id);
            lease = null;
            changed = true;
        }

        if (request.Release || !S.Exists || S.Suspended)
        {
            await PersistIfAsync(changed);
            return LeaseGrant.None;
        }

        // Credits only while the balance is comfortably above the ask: near exhaustion every request goes to the ledger,
        // where the last credits are admitted exactly.
        var credits = request.Credits > 0 && S.Balance >= request.Credits * options.Value.LeaseBalanceFactor ? request.Credits : 0;
        // No tokens while leases granted before this activation are unaccounted for: their tokens came from limiters this
        // activation no longer knows ("learning" until they are renewed, returned or reclaimed). Credits are safe: the
        // outstanding ones are in the stored state.
        var learning = _inheritedLeases.Count > 0;
        var (requests, requestStatus) = TakeTokens(ref _requestsTat, S.Limits.RequestsPerMinute, learning ? 0 : request.Requests, now);
        var (images, imageStatus) = TakeTokens(ref _imagesTat, S.Limits.ImagesPerMinute, learning ? 0 : request.Images, now);
        lease ??= new Lease(++S.LastLeaseId, 0, 0, now);
        S.Balance -= credits;
        lease = lease with { Outstanding = lease.Outstanding + credits, ExpiresAt = now + options.Value.LeaseDuration };
        S.Leases[request.Silo] = lease;
        await PersistAsync();
        return new LeaseGrant(lease.Id, credits, requests, images, lease.ExpiresAt, requestStatus, imageStatus);
    }

    // Takes up to `wanted` units from a limiter now (never more than fit), for a lease's tokens.
    private static (int Units, RateLimitStatus Status) TakeTokens(ref DateTimeOffset tat, int limit, int wanted, DateTimeOffset now)
    {
        var gcra = new Gcra(Math.Max(1, limit), Minute);
        var probe = gcra.Decide(tat, now, 0);
        var units = Math.Clamp(wanted, 0, probe.Remaining);
        if (units == 0)
        {
            return (0, new RateLimitStatus(limit, probe.Remaining, probe.Reset));
        }

        var taken = gcra.Decide(tat, now, units);
        tat = taken.Tat;
        return (units, new RateLimitStatus(limit, taken.Remaining, taken.Reset));
    }

    // A lease whose silo stopped renewing (it died, or lost the cluster) is taken back ReclaimDelay after it lapsed and
    // reconciled with the usage log: what the log shows spent under it is what it cost. Beyond what the silo reported,
    // that is committed; should the reports ever exceed the log (a silo of an older build reported queued records), the
    // difference is given back. Records the silo answered but never wrote are the provider's loss, never the tenant's.
    private async Task<bool> ReclaimLapsedLeasesAsync(DateTimeOffset now)
    {
        var changed = false;
        foreach (var (silo, lease) in S.Leases.Where(l => now - l.Value.ExpiresAt >= options.Value.LeaseReclaimDelay).ToList())
        {
            var logged = await usage.LeaseCreditsAsync(Id, lease.Id);
            var spent = Math.Clamp(logged - lease.Reported, -lease.Reported, lease.Outstanding);
            S.Committed += spent;
            S.Balance += lease.Outstanding - spent;
            S.Leases.Remove(silo);
            _inheritedLeases.Remove(lease.Id);
            changed = true;
        }

        return changed;
    }
}
