using ClipGrains.Abstractions.Fairness;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// A counting semaphore that hands a freed slot to waiting tenants in turn rather than in arrival order, so a tenant
/// that queued a hundred large decodes delays another tenant's image by at most one decode, not a hundred. Work
/// conserving: a lone tenant may use every slot.
/// </summary>
internal sealed class FairSlots(int slots)
{
    private readonly Lock _gate = new();
    private readonly TenantTurns<TaskCompletionSource<bool>> _waiting = new();
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

    /// <summary>Takes a slot for <paramref name="tenant"/>, waiting at most <paramref name="timeout"/>; false when none came in time.</summary>
    public async Task<bool> WaitAsync(string tenant, TimeSpan timeout, TimeProvider time, CancellationToken cancellation = default)
    {
        TaskCompletionSource<bool> waiter;
        lock (_gate)
        {
            if (_free > 0 && _waiting.Count == 0)
            {
                _free--;
                return true;
            }

            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(tenant, waiter);
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, time, cancellation);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Given up: unless a slot was handed over in the same instant (then it is ours to keep), the waiter is
            // abandoned and Release skips it.
            if (!waiter.TrySetResult(false) && waiter.Task.Result)
            {
                return true;
            }

            if (e is OperationCanceledException)
            {
                throw;
            }

            return false;
        }
    }

    /// <summary>Returns a slot: to the next tenant in turn that still waits, else to the pool.</summary>
    public void Release()
    {
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var waiter))
            {
                if (waiter.TrySetResult(true))
                {
                    return;
                }
            }

            _free++;
        }
    }
}
