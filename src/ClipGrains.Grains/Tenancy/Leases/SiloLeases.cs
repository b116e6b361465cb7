using System.Collections.Concurrent;
using ClipGrains.Abstractions.Tenancy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tenancy.Leases;

/// <summary>
/// This silo's side of credit leases (Doorman-style): a busy tenant's requests are admitted and settled here against
/// an allowance its ledger granted — no grain call on the request path — and what they spent is reported when the
/// lease is refilled, renewed or returned. Settled requests become usage records written by this silo. A tenant below
/// <see cref="LeaseOptions.MinRequestsPerSecond"/>, or whose balance is nearly exhausted (the ledger grants nothing),
/// is admitted by the ledger request by request.
/// </summary>
internal sealed partial class SiloLeases(
    IGrainFactory grains, IUsageLog usage, IOptions<LeaseOptions> options, TimeProvider time, ILogger<SiloLeases> logger)
{
    // Local use stops this long before the ledger's expiry, so a renewal in flight never races the lapse.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, TenantLease> _leases = new(StringComparer.Ordinal);
    private long _grants;

    /// <summary>This process's name in the ledgers: one lease per tenant and process incarnation.</summary>
    public string Silo { get; } = $"{Environment.MachineName}/{Guid.NewGuid():N}";

    /// <summary>Grants that added credits or tokens since start (first grants and refills).</summary>
    public long Grants => Interlocked.Read(ref _grants);

    /// <summary>Credits held by this silo's leases now (free, in flight and spent-unreported), for tests and metrics.</summary>
    public IReadOnlyDictionary<string, long> Held() => _leases.ToDictionary(l => l.Key, l => l.Value.Id == 0 ? 0 : l.Value.Credits, StringComparer.Ordinal);

    /// <summary>Whether this silo holds a usable lease of <paramref name="tenant"/> with credits left (it may admit locally).</summary>
    public bool Holds(string tenant)
    {
        if (!_leases.TryGetValue(tenant, out var lease))
        {
            return false;
        }

        lock (lease.Gate)
        {
            return lease.Id != 0 && time.GetUtcNow() < lease.UsableUntil && lease.Credits > 0 && lease.Requests >= 1;
        }
    }

    /// <summary>Admits from the tenant's lease when it covers <paramref name="estimate"/>; null sends the request to the ledger.</summary>
    public LeaseTicket? TryAdmit(string tenant, Charge estimate, out (RateLimitStatus? Requests, RateLimitStatus? Images) limits)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        limits = default;
        if (!options.Value.Enabled)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var lease = _leases.GetOrAdd(tenant, _ => new TenantLease());
        LeaseTicket? ticket = null;
        var refill = false;
        lock (lease.Gate)
        {
            // Seen, leased or not: an entry still counting a tenant's demand is not idle (it must last the whole second).
            lease.Count(now, estimate);
            lease.LastUsed = now;
            if (lease.Id != 0 && now < lease.UsableUntil && lease.Credits >= estimate.Credits && lease.Requests >= 1 && lease.Images >= estimate.Images)
            {
                lease.Credits -= estimate.Credits;
                lease.Requests--;
                lease.Images -= estimate.Images;
                lease.InFlight++;
                ticket = new LeaseTicket(tenant, lease.Id, estimate.Credits);
                limits = (Remaining(lease.Limits.Requests, lease.Requests), Remaining(lease.Limits.Images, lease.Images));
            }

            // Refill at half the last grant, or ask for a first lease once the tenant is busy enough here.
            var low = lease.Id != 0 && (lease.Credits * 2 < lease.LastGrant.Credits || lease.Requests * 2 < lease.LastGrant.Requests || lease.Images * 2 < lease.LastGrant.Images);
            if (!lease.Refilling && (low || ticket is null) && lease.PerSecond(now) >= options.Value.MinRequestsPerSecond)
            {
                lease.Refilling = refill = true;
            }
        }

        if (refill)
        {
            lease.Refill = RefillAsync(tenant, lease, release: false);
        }

        return ticket;
    }

    /// <summary>
    /// Ends a request admitted from a lease: the unspent part of its estimate returns to the lease, the request becomes a
    /// usage record (a refused one too, at no charge), and what it was charged counts as spent — reported to the ledger
    /// at the next refill once the record is written (<see cref="RefillAsync"/>). A record the log dropped is never
    /// reported: its credits go back to the balance with the lease, so the ledger never charges what the log lacks.
    /// </summary>
    public async ValueTask SettleAsync(LeaseTicket ticket, UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(record);
        var charged = Math.Clamp(record.Credits, 0, ticket.Credits);
        _leases.TryGetValue(ticket.Tenant, out var lease);
        if (lease is not null)
        {
            lock (lease.Gate)
            {
                // A ticket of a lease that already ended was reconciled from the usage log: nothing to return.
                if (lease.Id == ticket.LeaseId)
                {
                    lease.Credits += ticket.Credits - charged;
                }
            }
        }

        var logged = (record.Credits <= 0 && !record.Refused && record.StoredBytes <= 0)
            || await usage.AppendAsync(record with { Credits = charged, Lease = ticket.LeaseId });
        if (lease is not null)
        {
            lock (lease.Gate)
            {
                lease.InFlight--;

                // Counted only once queued in the log: a refill reports what it has flushed (written) of this count.
                if (lease.Id == ticket.LeaseId && logged)
                {
                    lease.Spent += charged;
                }
            }
        }
    }

    /// <summary>
    /// Stops local admission of <paramref name="tenant"/> at once (its ledger lowered its limits or suspended it): the
    /// lease's unused tokens are dropped — they came from the old limits — and the next request asks the ledger, whose
    /// renewal grants under the new terms (nothing for a suspended tenant). Requests in flight settle as usual.
    /// </summary>
    public void TakeBack(string tenant)
    {
        if (_leases.TryGetValue(tenant, out var lease))
        {
            lock (lease.Gate)
            {
                (lease.Requests, lease.Images) = (0, 0);
                lease.UsableUntil = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>Completes when every refill asked for by an admission so far has its answer (tests, benchmarks).</summary>
    public Task RefillsAsync() => Task.WhenAll(_leases.Values.Select(l => l.Refill ?? Task.CompletedTask));

    /// <summary>Renews leases about to lapse, returns idle ones and forgets idle tenants; the keeper calls it.</summary>
    public async Task MaintainAsync()
    {
        var now = time.GetUtcNow();
        var work = new List<Task>();
        foreach (var (tenant, lease) in _leases)
        {
            bool release;
            lock (lease.Gate)
            {
                var idle = lease.InFlight == 0 && now - lease.LastUsed >= options.Value.IdleRelease;
                if (lease.Refilling || (lease.Id == 0 && !idle))
                {
                    continue;
                }

                if (lease.Id == 0)
                {
                    _leases.TryRemove(new KeyValuePair<string, TenantLease>(tenant, lease));
                    continue;
                }

                release = idle;
                if (!idle && lease.UsableUntil - now > Margin)
                {
                    continue;
                }

                lease.Refilling = true;
            }

            work.Add(RefillAsync(tenant, lease, release));
        }

        await Task.WhenAll(work);
    }

    /// <summary>Returns every lease (the silo is stopping).</summary>
    public async Task ReleaseAllAsync()
    {
        var work = new List<Task>();
        foreach (var (tenant, lease) in _leases)
        {
            lock (lease.Gate)
            {
                if (lease.Id == 0 || lease.Refilling)
                {
                    continue;
                }

                lease.Refilling = true;
            }

            work.Add(RefillAsync(tenant, lease, release: true));
        }

        await Task.WhenAll(work);
    }

    private async Task RefillAsync(string tenant, TenantLease lease, bool release)
    {
        LeaseRequest request;
        lock (lease.Gate)
        {
            var demand = Math.Max(lease.PerSecond(time.GetUtcNow()), options.Value.MinRequestsPerSecond) * options.Value.DemandSeconds;
            request = new LeaseRequest(
                Silo, lease.Id, lease.Spent,
                release ? 0 : (long)Math.Ceiling(demand * Math.Max(1, lease.MeanCredits)),
                release ? 0 : (int)Math.Ceiling(demand),
                release ? 0 : (int)Math.Ceiling(demand * lease.MeanImages),
                release);
        }

        try
        {
            // Only what is durably in the usage log is reported (every spend counted above was queued before it was
            // counted): after a kill -9 the ledger's committed credits never exceed the log, and the reclaim that
            // follows commits exactly what the log shows beyond the reports.
            if (request.Spent > 0 && !await FlushedAsync())
            {
                if (release)
                {
                    return; // Not returned with spend unwritten: it lapses, and its ledger reclaims it from the log.
                }

                request = request with { Spent = 0 };
            }

            var grant = await grains.GetGrain<ITenantGrain>(tenant).Lease(request);
            if (grant.Credits > 0 || grant.Requests > 0)
            {
                Interlocked.Increment(ref _grants);
            }

            lock (lease.Gate)
            {
                lease.Spent -= request.Spent;
                if (grant.LeaseId != lease.Id || grant.LeaseId == 0)
                {
                    // A new lease (or none): the old one's allowance is gone; tickets still in flight under it are ignored.
                    (lease.Credits, lease.Requests, lease.Images, lease.Spent) = (0, 0, 0, 0);
                }

                lease.Id = grant.LeaseId;
                lease.Credits += grant.Credits;
                lease.Requests += grant.Requests;
                lease.Images += grant.Images;
                lease.UsableUntil = grant.LeaseId == 0 ? DateTimeOffset.MinValue : grant.ExpiresAt - Margin;
                lease.LastGrant = (grant.Credits, grant.Requests, grant.Images);
                lease.Limits = (grant.RequestLimit, grant.ImageLimit);
                if (release)
                {
                    lease.Id = 0;
                    (lease.Credits, lease.Requests, lease.Images) = (0, 0, 0);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The ledger is unreachable: keep admitting from what is left until it lapses; the next check tries again.
            LogRefillFailed(logger, e.Message);
        }
        finally
        {
            lock (lease.Gate)
            {
                lease.Refilling = false;
            }
        }
    }

    // Whether the usage log wrote everything queued so far within the flush patience (false while its store is down).
    private async Task<bool> FlushedAsync()
    {
        try
        {
            await usage.FlushAsync().WaitAsync(options.Value.FlushPatience, time);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static RateLimitStatus? Remaining(RateLimitStatus? status, int local) => status is null ? null : status with { Remaining = local };

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "A credit lease could not be renewed: {Reason}")]
    private static partial void LogRefillFailed(ILogger logger, string reason);
}
