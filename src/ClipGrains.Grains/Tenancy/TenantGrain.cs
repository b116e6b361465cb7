using ClipGrains.Abstractions.Tenancy;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// A tenant's single writer for limits and money. Not reentrant: each call runs to completion, so a check and
/// the change it guards can never be separated by another call. Every change to credits is written before the
/// reply; when a write fails the in-memory state is reloaded from storage (or the activation dropped), so no
/// phantom debit or credit survives, and the rate limiters only move after the write succeeded.
/// </summary>
internal sealed class TenantGrain(
    [PersistentState("tenant", ClipGrainsStorage.Name)] IPersistentState<TenantState> state,
    IOptions<TenancyOptions> options,
    IUsageLog usage,
    TimeProvider time) : Grain, ITenantGrain
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private const int MaxOutbox = 128;
    private DateTimeOffset _requestsTat;
    private DateTimeOffset _imagesTat;
    private DateTimeOffset _readsTat;

    // Ids settled by this activation within the reservation timeout, so a duplicated admission of a settled request is a
    // no-op. Memory only, bounded by count: persisting it made the state grow with the request rate (written twice per
    // request). Callers never re-send an admission (each attempt has a fresh id), so losing it with the activation only
    // matters for a duplicate that no caller sends; the usage log deduplicates the records by id in any case.
    private readonly Dictionary<string, DateTimeOffset> _recentlySettled = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _settledOrder = new();

    // An id settled by an earlier activation can only come back within a reservation timeout of its settlement, so only
    // that long after activation does an unknown id need a look in the usage log (one indexed read).
    private readonly DateTimeOffset _activatedAt = time.GetUtcNow();

    // Leases granted by an earlier activation and not yet renewed, returned or reclaimed (see Lease).
    private readonly HashSet<long> _inheritedLeases = [];

    // Outbox records the log has written (set from the flush's continuation, so concurrent).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _published = new(StringComparer.Ordinal);

    private string Id => this.GetPrimaryKeyString();

    private TenantState S => state.State;

    public async Task<bool> Create(string name, TenantLimits limits, long initialCredits)
    {
        if (S.Exists)
        {
            return false;
        }

        state.State = new TenantState
        {
            Name = name, Limits = limits, CreatedAt = time.GetUtcNow(), Balance = initialCredits, InitialCredits = initialCredits,
        };
        await PersistAsync();
        await GrainFactory.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).Add(Id);
        return true;
    }

    public Task<TenantInfo?> GetInfo() => Task.FromResult(Info());

    public async Task<TenantInfo?> SetLimits(TenantLimits limits)
    {
        if (!S.Exists)
        {
            return null;
        }

        S.Limits = limits;
        await PersistAsync();
        return Info();
    }

    public async Task<TenantInfo?> SetSuspended(bool suspended)
    {
        if (!S.Exists)
        {
            return null;
        }

        S.Suspended = suspended;
        await PersistAsync();
        await Task.WhenAll(S.KeyIds.Select(k => GrainFactory.GetGrain<IApiKeyGrain>(k).SetTenantSuspended(suspended)));
        return Info();
    }

    public async Task<AdmissionResult> Admit(Admission admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        if (!S.Exists || S.Suspended)
        {
            return new AdmissionResult(AdmissionOutcome.Refused, null, null, null, 0, "The tenant is suspended or does not exist.");
        }

        var now = time.GetUtcNow();
        var expired = ExpireReservations(now) | await ReclaimLapsedLeasesAsync(now);
        if (S.Reservations.ContainsKey(admission.ReservationId) || _recentlySettled.ContainsKey(admission.ReservationId)
            || (now - _activatedAt < options.Value.ReservationTimeout && await usage.ContainsAsync(Id, admission.ReservationId)))
        {
            // A retried admission of the same request: already decided, decide nothing twice.
            return new AdmissionResult(AdmissionOutcome.Admitted, null, null, null, S.Balance);
        }

        var requests = new Gcra(Math.Max(1, S.Limits.RequestsPerMinute), Minute).Decide(_requestsTat, now, 1);
        var images = new Gcra(Math.Max(1, S.Limits.ImagesPerMinute), Minute).Decide(_imagesTat, now, admission.Images);
        var requestStatus = new RateLimitStatus(S.Limits.RequestsPerMinute, requests.Remaining, requests.Reset);
        var imageStatus = new RateLimitStatus(S.Limits.ImagesPerMinute, images.Remaining, images.Reset);
        if (!requests.Allowed || (admission.Images > 0 && !images.Allowed))
        {
            await PersistIfAsync(expired);
            var never = (!requests.Allowed && requests.RetryAfter is null) || (!images.Allowed && images.RetryAfter is null);
            var retry = new[] { requests.RetryAfter, admission.Images > 0 ? images.RetryAfter : null }.Max();
            return new AdmissionResult(
                AdmissionOutcome.RateLimited, requestStatus, imageStatus, never ? null : retry, S.Balance,
                never ? $"The request has {admission.Images} images; the limit is {S.Limits.ImagesPerMinute} per minute." : null);
        }

        if (admission.Credits > S.Balance)
        {
            await PersistIfAsync(expired);
            return new AdmissionResult(AdmissionOutcome.InsufficientCredits, requestStatus, imageStatus, null, S.Balance,
                $"The request costs {admission.Credits} credits; the balance is {S.Balance}.");
        }

        S.Balance -= admission.Credits;
        S.Reservations[admission.ReservationId] = new Reservation(admission.Credits, now + (admission.Hold ?? options.Value.ReservationTimeout));
        await PersistAsync();
        _requestsTat = requests.Tat;
        if (admission.Images > 0)
        {
            _imagesTat = images.Tat;
        }

        return new AdmissionResult(AdmissionOutcome.Admitted, requestStatus, imageStatus, null, S.Balance);
    }

    public Task<AdmissionResult> Take(bool read)
    {
        if (!S.Exists || S.Suspended)
        {
            return Task.FromResult(new AdmissionResult(AdmissionOutcome.Refused, null, null, null, 0, "The tenant is suspended or does not exist."));
        }

        var now = time.GetUtcNow();
        var limit = read ? Math.Max(options.Value.ReadsPerMinute, S.Limits.RequestsPerMinute) : S.Limits.RequestsPerMinute;
        var decision = new Gcra(Math.Max(1, limit), Minute).Decide(read ? _readsTat : _requestsTat, now, 1);
        var status = new RateLimitStatus(limit, decision.Remaining, decision.Reset);
        if (!decision.Allowed)
        {
            return Task.FromResult(new AdmissionResult(
                AdmissionOutcome.RateLimited, status, null, decision.RetryAfter, S.Balance,
                read ? $"Rate limit reached for reads ({limit} per minute); retry after the delay in Retry-After." : null));
        }

        if (read)
        {
            _readsTat = decision.Tat;
        }
        else
        {
            _requestsTat = decision.Tat;
        }

        return Task.FromResult(new AdmissionResult(AdmissionOutcome.Admitted, status, null, null, S.Balance));
    }

    public async Task<long> Settle(Settlement settlement)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        var now = time.GetUtcNow();
        var expired = ExpireReservations(now);
        if (!S.Reservations.TryGetValue(settlement.ReservationId, out var reservation))
        {
            // Already settled, or expired and refunded: nothing to do (and never charge an unreserved amount).
            await PersistIfAsync(expired);
            return S.Balance;
        }

        var charged = settlement.Commit ? Math.Clamp(settlement.Credits, 0, reservation.Credits) : 0;
        UsageRecord? record = null;
        if (settlement.Commit || settlement.Refused || settlement.StoredResponseBytes > 0)
        {
            record = new UsageRecord(
                settlement.ReservationId, Id, settlement.KeyId, settlement.Model, settlement.Route,
                settlement.Commit ? settlement.Images : 0, settlement.Commit ? settlement.Texts : 0, charged, now,
                Refused: !settlement.Commit && settlement.Refused, DecodeMilliseconds: settlement.Refused ? Math.Max(0, settlement.DecodeMilliseconds) : 0,
                StoredBytes: Math.Max(0, settlement.StoredResponseBytes));

            // Transactional outbox: the record is written with the ledger change in one state write, and leaves the state
            // once the log has it. A crash in between leaves it in the outbox, which the next activation writes first.
            S.Outbox.Add(record);
        }

        S.Reservations.Remove(settlement.ReservationId);
        RememberSettled(settlement.ReservationId, now);
        S.Balance += reservation.Credits - charged;
        if (settlement.Commit)
        {
            S.Committed += charged;
        }

        await PersistAsync();
        if (record is not null)
        {
            await PublishAsync([record]);

            // The outbox is written with every state write: when the log lags far behind, wait for it rather than let the
            // state grow (it then holds at most this many records).
            if (S.Outbox.Count >= MaxOutbox)
            {
                await usage.FlushAsync();
            }
        }

        return S.Balance;
    }

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

    // A lease whose silo stopped renewing (it died, or lost the cluster) is taken back ReclaimDelay after it lapsed: what
    // the usage log shows spent under it beyond what the silo reported is committed, the rest returns to the balance.
    // Records the silo answered but never wrote are the provider's loss: the tenant gets those credits back.
    private async Task<bool> ReclaimLapsedLeasesAsync(DateTimeOffset now)
    {
        var changed = false;
        foreach (var (silo, lease) in S.Leases.Where(l => now - l.Value.ExpiresAt >= options.Value.LeaseReclaimDelay).ToList())
        {
            var logged = await usage.LeaseCreditsAsync(Id, lease.Id);
            var spent = Math.Clamp(logged - lease.Reported, 0, lease.Outstanding);
            S.Committed += spent;
            S.Balance += lease.Outstanding - spent;
            S.Leases.Remove(silo);
            _inheritedLeases.Remove(lease.Id);
            changed = true;
        }

        return changed;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _inheritedLeases.UnionWith(S.Leases.Values.Select(l => l.Id));

        // Records a previous activation persisted but may not have written to the log (it died): written again before any
        // call is served (the log ignores ids it has), so every settled request is in the log and deduplicates retries.
        if (S.Outbox.Count > 0)
        {
            await PublishAsync(S.Outbox);
            await usage.FlushAsync(cancellationToken);
        }

        await base.OnActivateAsync(cancellationToken);
    }

    // Hands records to the log; once written they are dropped from the outbox at the next state write (no write of their own).
    private async Task PublishAsync(IReadOnlyList<UsageRecord> records)
    {
        foreach (var record in records)
        {
            await usage.AppendAsync(record);
        }

        var ids = records.Select(r => r.Id).ToList();
        _ = usage.FlushAsync().ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    ids.ForEach(id => _published.TryAdd(id, 0));
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async Task<TopUpResult> TopUp(string idempotencyKey, long amount, string reason)
    {
        if (!S.Exists)
        {
            return new TopUpResult(false, false, 0);
        }

        var now = time.GetUtcNow();
        var expiredKeys = S.TopUps.Where(t => now - t.Value.At > options.Value.IdempotencyRetention).Select(t => t.Key).ToList();
        expiredKeys.ForEach(k => S.TopUps.Remove(k));
        if (S.TopUps.TryGetValue(idempotencyKey, out var previous))
        {
            var same = previous.Amount == amount && previous.Reason == reason;
            return new TopUpResult(false, !same, S.Balance);
        }

        // Checked against everything the credits can come back to (balance plus what is reserved), so no later refund
        // or settlement can wrap around either.
        if (amount < 0 || long.MaxValue - S.Balance - S.ReservedTotal - S.LeasedTotal < amount || long.MaxValue - S.ToppedUp < amount)
        {
            return new TopUpResult(false, false, S.Balance, Overflow: true);
        }

        S.TopUps[idempotencyKey] = new TopUpRecord(amount, reason, now);
        S.Balance = checked(S.Balance + amount);
        S.ToppedUp = checked(S.ToppedUp + amount);
        await PersistAsync();
        return new TopUpResult(true, false, S.Balance);
    }

    public Task<(RateLimitStatus Requests, RateLimitStatus Images)> GetRateLimits()
    {
        // Deciding zero units reports the state without changing it (Gcra is pure).
        var now = time.GetUtcNow();
        var requests = new Gcra(Math.Max(1, S.Limits.RequestsPerMinute), Minute).Decide(_requestsTat, now, 0);
        var images = new Gcra(Math.Max(1, S.Limits.ImagesPerMinute), Minute).Decide(_imagesTat, now, 0);
        return Task.FromResult((
            new RateLimitStatus(S.Limits.RequestsPerMinute, requests.Remaining, requests.Reset),
            new RateLimitStatus(S.Limits.ImagesPerMinute, images.Remaining, images.Reset)));
    }

    public async Task<(string KeyId, string Key)?> CreateKey(string name)
    {
        if (!S.Exists)
        {
            return null;
        }

        var keyId = ApiKeyMaterial.NewKeyId();
        var secret = ApiKeyMaterial.NewSecret();
        await GrainFactory.GetGrain<IApiKeyGrain>(keyId).Initialize(Id, name, ApiKeyMaterial.Hash(secret), ApiKeyMaterial.Prefix(keyId, secret), S.Suspended);
        S.KeyIds.Add(keyId);
        await PersistAsync();
        return (keyId, ApiKeyMaterial.Format(keyId, secret));
    }

    public Task<IReadOnlyList<string>> ListKeys() => Task.FromResult<IReadOnlyList<string>>(S.KeyIds.ToList());

    private TenantInfo? Info()
    {
        if (!S.Exists)
        {
            return null;
        }

        // Expired reservations count as refunded in what is shown, even before the next write records it.
        var now = time.GetUtcNow();
        var live = S.Reservations.Values.Where(r => r.ExpiresAt > now).Sum(r => r.Credits);
        var expired = S.ReservedTotal - live;
        return new TenantInfo(Id, S.Name!, S.Limits, S.Suspended, S.Balance + expired, live, S.CreatedAt, S.LeasedTotal);
    }

    private void RememberSettled(string id, DateTimeOffset now)
    {
        ForgetSettled(now, room: 1);
        _recentlySettled[id] = now;
        _settledOrder.Enqueue((id, now));
    }

    private void ForgetSettled(DateTimeOffset now, int room = 0)
    {
        const int MaxRemembered = 100_000;
        while (_settledOrder.TryPeek(out var oldest) && (now - oldest.At > options.Value.ReservationTimeout || _settledOrder.Count + room > MaxRemembered))
        {
            _settledOrder.Dequeue();
            _recentlySettled.Remove(oldest.Id);
        }
    }

    private bool ExpireReservations(DateTimeOffset now)
    {
        ForgetSettled(now);
        var changed = false;
        foreach (var (id, reservation) in S.Reservations.Where(r => r.Value.ExpiresAt <= now).ToList())
        {
            S.Reservations.Remove(id);
            S.Balance += reservation.Credits;
            RememberSettled(id, now);
            changed = true;
        }

        return changed;
    }

    private Task PersistIfAsync(bool changed) => changed ? PersistAsync() : Task.CompletedTask;

    private async Task PersistAsync()
    {
        // History of earlier versions is dropped on the first write: the usage log holds usage from now on.
        S.LegacySettled = null;
        S.LegacyUsage = null;
        S.Outbox.RemoveAll(r => _published.TryRemove(r.Id, out _));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Orleans leaves the mutated object in memory when a write fails; reload what storage really holds
            // so the failed change cannot be observed, or drop the activation if even that fails.
            try
            {
                await state.ReadStateAsync();
            }
            catch
            {
                DeactivateOnIdle();
            }

            throw;
        }
    }
}
