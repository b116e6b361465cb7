using System.Collections.Concurrent;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tenancy.Leases;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// Decides before a charged request's body is read whether its tenant can be admitted at all, so a tenant that cannot
/// (suspended, request limit spent, empty balance) costs no parsing even in the first burst it sends: a refusal this silo
/// remembers answers at once; a tenant admitted here within <see cref="RecentRefusals.MaxAge"/>, or whose lease this silo
/// holds, goes on; any other asks its ledger once (<see cref="ITenantGrain.Probe"/>), the concurrent requests of a burst
/// sharing that one call. Cost: at most one grain call per tenant, silo and second, none while the tenant is busy here.
/// </summary>
internal sealed class AdmissionProbe(IGrainFactory grains, RecentRefusals refusals, SiloLeases leases, TimeProvider time)
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _admittedUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<AdmissionResult>> _asking = new(StringComparer.Ordinal);

    /// <summary>Grain calls made to probe a ledger since start (tests, metrics).</summary>
    public long Probes => Interlocked.Read(ref _probes);

    private long _probes;

    /// <summary>The refusal that holds for every request of <paramref name="tenant"/> now; null when it may be admitted.</summary>
    public async ValueTask<AdmissionResult?> RefusalAsync(string tenant)
    {
        if (refusals.Of(tenant) is { } refused)
        {
            return refused;
        }

        if ((_admittedUntil.TryGetValue(tenant, out var until) && time.GetUtcNow() < until) || leases.Holds(tenant))
        {
            return null;
        }

        var answer = await AskAsync(tenant);
        return answer.Outcome == AdmissionOutcome.Admitted ? null : answer;
    }

    /// <summary>The ledger admitted a request of <paramref name="tenant"/>: its next requests skip the probe for a while.</summary>
    public void Admitted(string tenant)
    {
        if (_admittedUntil.Count >= MaxEntries)
        {
            // Bounded memory under a flood of tenants: forgetting only costs a probe each.
            _admittedUntil.Clear();
        }

        _admittedUntil[tenant] = time.GetUtcNow() + RecentRefusals.MaxAge;
    }

    /// <summary>The tenant's ledger changed (suspension, limits, top-up): decide afresh.</summary>
    public void Forget(string tenant) => _admittedUntil.TryRemove(tenant, out _);

    private async Task<AdmissionResult> AskAsync(string tenant)
    {
        var mine = new TaskCompletionSource<AdmissionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var asking = _asking.GetOrAdd(tenant, mine.Task);
        if (asking != mine.Task)
        {
            return await asking;
        }

        try
        {
            Interlocked.Increment(ref _probes);
            var answer = await grains.GetGrain<ITenantGrain>(tenant).Probe();
            if (answer.Outcome == AdmissionOutcome.Admitted)
            {
                Admitted(tenant);
            }
            else
            {
                refusals.Remember(tenant, answer);
            }

            mine.SetResult(answer);
        }
        catch (Exception failed)
        {
            // Every request of the burst sees the ledger's failure (a 503 when its storage is down), none a stale verdict.
            mine.SetException(failed);
        }
        finally
        {
            _asking.TryRemove(KeyValuePair.Create(tenant, mine.Task));
        }

        return await mine.Task;
    }
}
