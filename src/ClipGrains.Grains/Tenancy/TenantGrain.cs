using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Cluster;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// A tenant's single writer for limits and money. Not reentrant: each call runs to completion, so a check and
/// the change it guards can never be separated by another call. Every change to credits is written before the
/// reply; when a write fails the in-memory state is reloaded from storage (or the activation dropped), so no
/// phantom debit or credit survives, and the rate limiters only move after the write succeeded.
/// </summary>
internal sealed partial class TenantGrain(
    [PersistentState("tenant", ClipGrainsStorage.Name)] IPersistentState<TenantState> state,
    IOptions<TenancyOptions> options,
    IUsageLog usage,
    TimeProvider time,
    IClusterMembershipService membership) : Grain, ITenantGrain
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

    // Outbox records the log has written (set by the flush's continuation, which runs on this activation's scheduler).
    private readonly HashSet<string> _published = new(StringComparer.Ordinal);

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

        var lowered = limits.RequestsPerMinute < S.Limits.RequestsPerMinute || limits.ImagesPerMinute < S.Limits.ImagesPerMinute;
        S.Limits = limits;
        await PersistAsync();
        if (lowered)
        {
            // Tokens silos hold under the old limits would let a whole lease's worth through after the change.
            await EverySilo.TellAsync(GrainFactory, membership, time, silo => silo.TakeBackLease(Id));
        }

        await ForgetRefusalsEverywhereAsync();
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
        if (suspended)
        {
            await EverySilo.TellAsync(GrainFactory, membership, time, silo => silo.TakeBackLease(Id));
        }

        await ForgetRefusalsEverywhereAsync();
        return Info();
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
        await ForgetRefusalsEverywhereAsync();
        return new TopUpResult(true, false, S.Balance);
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

    // Silos remember refusals for up to a second (RecentRefusals): a change that could admit the tenant again reaches
    // them before the admin call returns.
    private Task ForgetRefusalsEverywhereAsync() => EverySilo.TellAsync(GrainFactory, membership, time, silo => silo.ForgetTenant(Id));

    private Task PersistIfAsync(bool changed) => changed ? PersistAsync() : Task.CompletedTask;

    private async Task PersistAsync()
    {
        // History of earlier versions is dropped on the first write: the usage log holds usage from now on.
        S.LegacySettled = null;
        S.LegacyUsage = null;
        S.Outbox.RemoveAll(r => _published.Remove(r.Id));
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
