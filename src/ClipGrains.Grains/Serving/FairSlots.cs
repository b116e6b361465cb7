using ClipGrains.Abstractions.Fairness;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// A counting semaphore that hands a freed slot to waiting tenants in turn, weighted by what each decode costs
/// (<see cref="TenantTurns{T}"/>: a tenant of 40-megapixel images gets one slot per forty of another's 1-megapixel
/// ones), rather than in arrival order. While more than one tenant is present (holding or waiting for a slot, or seen
/// within <see cref="SharingWindow"/>), no tenant may hold every slot: the last one is kept for the others, so a
/// tenant flooding large decodes delays another's small image by one decode at most, not by the flood. Work
/// conserving: a lone tenant may use every slot.
/// </summary>
internal sealed class FairSlots(int slots, TimeProvider time)
{
    /// <summary>How long a tenant counts as present after it last asked for a slot (a client between two requests).</summary>
    public static readonly TimeSpan SharingWindow = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly TenantTurns<TaskCompletionSource<bool>> _waiting = new();
    private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly int _slots = Math.Max(1, slots);
    private int _free = Math.Max(1, slots);

    /// <summary>Slots free now (tests and metrics).</summary>
    public int Free
    {
        get
        {
            lock (_gate)
            {
                return _free;
            }
        }
    }

    /// <summary>Slots <paramref name="tenant"/> holds now (tests and metrics).</summary>
    public int HeldBy(string tenant)
    {
        lock (_gate)
        {
            return _held.GetValueOrDefault(tenant);
        }
    }

    /// <summary>
    /// Takes a slot for <paramref name="tenant"/> for work weighing <paramref name="weight"/> units (a decode: its
    /// megapixels, at least 1), waiting at most <paramref name="timeout"/>; false when none came in time.
    /// </summary>
    public async Task<bool> WaitAsync(string tenant, int weight, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            // Through the turns even when a slot is free: a free slot kept for another tenant is not this one's.
            _seen[tenant] = time.GetTimestamp();
            _waiting.Enqueue(tenant, waiter, weight);
            HandOut();
            if (waiter.Task.IsCompleted)
            {
                return true;
            }
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, time, cancellation);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                // Given up: unless the slot was handed over in the same instant (then it is ours to keep), it leaves the turns.
                if (waiter.Task.IsCompleted)
                {
                    return true;
                }

                _waiting.Remove(tenant, waiter);
            }

            if (e is OperationCanceledException)
            {
                throw;
            }

            return false;
        }
    }

    /// <summary>Returns <paramref name="tenant"/>'s slot: to the next tenant in turn that may take it, else to the pool.</summary>
    public void Release(string tenant)
    {
        lock (_gate)
        {
            if (_held.TryGetValue(tenant, out var held))
            {
                if (held <= 1)
                {
                    _held.Remove(tenant);
                }
                else
                {
                    _held[tenant] = held - 1;
                }
            }

            _free++;
            HandOut();
        }
    }

    // Under _gate: free slots to the waiting tenants in turn that may take them.
    private void HandOut()
    {
        while (_free > 0 && _waiting.TryDequeue(MayTake, out var next, out var waiter))
        {
            Take(next);
            waiter.TrySetResult(true);
        }
    }

    // Under _gate. The last slot is not for a tenant that already holds the others while another tenant is present.
    private bool MayTake(string tenant)
    {
        if (_slots == 1 || _held.GetValueOrDefault(tenant) < _slots - 1)
        {
            return true;
        }

        var now = time.GetTimestamp();
        // Removing while enumerating is allowed for Dictionary; no copy under the lock on the decode path.
        foreach (var (other, at) in _seen)
        {
            if (other == tenant)
            {
                continue;
            }

            if (_held.ContainsKey(other) || _waiting.CountOf(other) > 0 || time.GetElapsedTime(at, now) <= SharingWindow)
            {
                return false;
            }

            _seen.Remove(other);
        }

        return true;
    }

    private void Take(string tenant)
    {
        _free--;
        _held[tenant] = _held.GetValueOrDefault(tenant) + 1;
    }
}
