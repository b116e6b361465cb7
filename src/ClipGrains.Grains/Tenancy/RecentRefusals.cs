using System.Collections.Concurrent;
using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// Refusals this silo's ledgers answered that still hold (<see cref="AdmissionResult.RefusedUntil"/>), kept at most
/// <see cref="MaxAge"/>: a tenant that cannot be admitted is refused before its body is read, so a flood at 429 costs no
/// parsing and no grain call. A tenant's entry is forgotten when its ledger pushes a change (top-up, new limits,
/// suspension lifted); a silo the push missed keeps it at most <see cref="MaxAge"/>.
/// </summary>
internal sealed class RecentRefusals(TimeProvider time)
{
    /// <summary>The longest a refusal is trusted without asking the ledger again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, Entry> _refusals = new(StringComparer.Ordinal);

    /// <summary>Remembers <paramref name="refusal"/> of <paramref name="tenant"/> when it holds for every request.</summary>
    public void Remember(string tenant, AdmissionResult refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (refusal.Outcome == AdmissionOutcome.Admitted || refusal.RefusedUntil is not { } until)
        {
            return;
        }

        var now = time.GetUtcNow();
        var kept = until - now < MaxAge ? until : now + MaxAge;
        if (kept <= now)
        {
            return;
        }

        if (_refusals.Count >= MaxEntries)
        {
            // Bounded memory under a flood of tenants: forgetting only costs a grain call each.
            _refusals.Clear();
        }

        _refusals[tenant] = new Entry(refusal, now, kept);
    }

    /// <summary>The refusal of <paramref name="tenant"/> that still holds, its Retry-After counted down; null for none.</summary>
    public AdmissionResult? Of(string tenant)
    {
        if (!_refusals.TryGetValue(tenant, out var entry))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now >= entry.Until)
        {
            _refusals.TryRemove(KeyValuePair.Create(tenant, entry));
            return null;
        }

        return entry.Refusal.RetryAfter is { } retry
            ? entry.Refusal with { RetryAfter = retry - (now - entry.At) > TimeSpan.Zero ? retry - (now - entry.At) : TimeSpan.Zero }
            : entry.Refusal;
    }

    /// <summary>Drops what is remembered of <paramref name="tenant"/> (its ledger changed).</summary>
    public void Forget(string tenant) => _refusals.TryRemove(tenant, out _);

    private sealed record Entry(AdmissionResult Refusal, DateTimeOffset At, DateTimeOffset Until);
}
