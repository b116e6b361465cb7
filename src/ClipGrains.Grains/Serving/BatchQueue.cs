using ClipGrains.Abstractions.Fairness;
using ClipGrains.Abstractions.Telemetry;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// A bounded queue that merges concurrent items into batches: up to <c>maxBatch</c> items run together on the
/// queue's runner, items past their deadline are dropped before running, and a full queue refuses at once. One
/// runner per queue matches one model instance: on CPU, ONNX Runtime already spreads one batch over all cores.
/// </summary>
/// <remarks>
/// <para>
/// Fair across tenants: each tenant's items wait in their own sub-queue and batches are filled round-robin, one item
/// per tenant in turn, so a tenant's backlog delays another tenant by at most one batch, never by the backlog. With
/// <c>fairShare</c>, a tenant may hold at most <c>capacity / (other tenants waiting + 2)</c> waiting items: however many
/// tenants flood, a share stays free for one that arrives, so one tenant's flood is its own 503, not everyone's.
/// </para>
/// <para>
/// A batch with room waits for company only while company is known to be coming: callers announce items with
/// <see cref="Expect"/> before the slow work that produces them (decoding), and the runner waits at most
/// <c>maxDelay</c> for announced items. With nothing announced a batch runs at once, so a lone request never pays the
/// batching window, while under load (items decoding while a batch runs) batches still fill.
/// </para>
/// </remarks>
internal sealed class BatchQueue<TItem, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, bool, TResult[]> _run;
    private readonly CoreShare? _cores;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxDelay;
    private readonly int _capacity;
    private readonly bool _fairShare;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly Task[] _loops;
    private readonly Lock _gate = new();

    // One permit per waiting item, plus one per runner when the queue closes.
    private readonly SemaphoreSlim _items = new(0);

    // At most one pending nudge: a runner only needs to know "look again", and stale releases would make its next
    // wait return at once as many times as requests failed while it was busy.
    private readonly SemaphoreSlim _nudge = new(0, 1);

    // Waiting items by tenant, taken in turn; guarded by _gate.
    private readonly TenantTurns<Entry> _waiting = new();
    private bool _closed;
    private int _load;

    // Items announced by Expect and neither enqueued nor forgotten; changed together with the sub-queues under _gate so
    // the runner never sees "nothing queued, nothing coming" while an announced item is between the two.
    private int _expected;

    public BatchQueue(
        string name, Func<IReadOnlyList<TItem>, TResult[]> run, int maxBatch, TimeSpan maxDelay, int capacity, TimeProvider time, int runners = 1, bool fairShare = false)
        : this(name, (items, _) => run(items), maxBatch, maxDelay, capacity, time, runners, fairShare, cores: null)
    {
    }

    /// <summary>
    /// A queue whose batches share <paramref name="cores"/>: <paramref name="run"/> is told whether its batch holds every
    /// core (true: nothing waited behind it) or one (false: batches run side by side). Without a share it is always true.
    /// </summary>
    public BatchQueue(
        string name, Func<IReadOnlyList<TItem>, bool, TResult[]> run, int maxBatch, TimeSpan maxDelay, int capacity, TimeProvider time, int runners,
        bool fairShare, CoreShare? cores)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runners);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _name = name;
        _run = run;
        _cores = cores;
        _maxBatch = maxBatch;
        _maxDelay = maxDelay;
        _capacity = capacity;
        _fairShare = fairShare;
        _time = time;
        _loops = Enumerable.Range(0, runners)
            .Select(_ => Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap())
            .ToArray();
    }

    /// <summary>Called with the size of every batch run (metrics and tests).</summary>
    public event Action<int>? BatchRan;

    /// <summary>Called with the size of every batch that ran on one core of a <see cref="CoreShare"/> (metrics and tests).</summary>
    public event Action<int>? OneCoreBatchRan;

    /// <summary>Called after every batch with its size, run time and each item's wait in the queue.</summary>
    public event Action<int, TimeSpan, TimeSpan[]>? BatchTimed;

    /// <summary>Items queued or running.</summary>
    public int Load => Volatile.Read(ref _load);

    /// <summary>Items announced and not yet enqueued or forgotten.</summary>
    public int Expected
    {
        get
        {
            lock (_gate)
            {
                return _expected;
            }
        }
    }

    /// <summary>
    /// Announces <paramref name="count"/> items that will be enqueued soon with <c>announced: true</c>; each must later
    /// be enqueued that way or given up with <see cref="Forget"/>.
    /// </summary>
    public void Expect(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _expected += count;
        }
    }

    /// <summary>Gives up <paramref name="count"/> announced items that will not come (their request failed).</summary>
    public void Forget(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _expected = Math.Max(0, _expected - count);
        }

        Nudge();
    }

    /// <summary>
    /// Queues <paramref name="item"/> of <paramref name="tenant"/> (one of the announced ones when <paramref name="announced"/>);
    /// throws <see cref="ServerOverloadedException"/> when the queue, or the tenant's share of it, is full.
    /// </summary>
    public Task<TResult> EnqueueAsync(TItem item, DateTimeOffset deadline, bool announced = false, string tenant = "")
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var entry = new Entry(item, deadline, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), _time.GetTimestamp());
        string? refused;
        lock (_gate)
        {
            if (announced && _expected > 0)
            {
                _expected--;
            }

            refused = Refusal(tenant);
            if (refused is null)
            {
                _waiting.Enqueue(tenant, entry);
                Interlocked.Increment(ref _load);
            }
        }

        if (refused is not null)
        {
            if (announced)
            {
                Nudge();
            }

            throw new ServerOverloadedException(refused);
        }

        _items.Release();
        return entry.Completion.Task;
    }

    /// <summary>
    /// Queues <paramref name="items"/>, every one of them announced by <see cref="Expect"/>. When the queue fills part-way,
    /// the items left over get tasks faulted with <see cref="ServerOverloadedException"/> and their announcements are
    /// given up; the items already queued still run. Never throws for a full queue, so the caller always holds every
    /// queued item's task and can wait for those before it reuses their buffers.
    /// </summary>
    public Task<TResult>[] EnqueueAnnounced(IReadOnlyList<TItem> items, DateTimeOffset deadline, string tenant = "")
    {
        ArgumentNullException.ThrowIfNull(items);
        var queued = new Task<TResult>[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                queued[i] = EnqueueAsync(items[i], deadline, announced: true, tenant);
            }
            catch (ServerOverloadedException e)
            {
                // The refused item's own announcement was consumed by EnqueueAsync.
                Forget(items.Count - i - 1);
                for (var rest = i; rest < items.Count; rest++)
                {
                    queued[rest] = Task.FromException<TResult>(e);
                }

                break;
            }
        }

        return queued;
    }

    /// <summary>Stops accepting items, finishes everything already queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closed = true;
        }

        _items.Release(_loops.Length);
        await Task.WhenAll(_loops);
        _nudge.Dispose();
        _items.Dispose();
    }

    // Called under _gate: why this tenant's item cannot be queued now, or null.
    private string? Refusal(string tenant)
    {
        if (_closed)
        {
            return $"The {_name} queue is shutting down; retry on another server.";
        }

        if (_waiting.Count >= _capacity)
        {
            return $"The {_name} queue is full; retry shortly.";
        }

        if (!_fairShare)
        {
            return null;
        }

        var own = _waiting.CountOf(tenant);
        var others = _waiting.Tenants - (own > 0 ? 1 : 0);
        var share = Math.Max(1, _capacity / (others + 2));
        return own >= share
            ? $"Your requests fill this server's share of the {_name} queue ({share} items while {others} other tenants wait); retry shortly or send fewer at once."
            : null;
    }

    // A runner waiting for announced items should look again rather than wait out the delay.
    private void Nudge()
    {
        try
        {
            _nudge.Release();
        }
        catch (SemaphoreFullException)
        {
            // A nudge is already pending.
        }
        catch (ObjectDisposedException)
        {
            // The queue is gone: nothing waits any more.
        }
    }

    // Takes the next tenant's oldest item (the permit for it is already held by the caller).
    private Entry? Take()
    {
        lock (_gate)
        {
            return _waiting.TryDequeue(out var entry) ? entry : null;
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<Entry>(_maxBatch);
        while (true)
        {
            await _items.WaitAsync();
            if (Take() is not { } first)
            {
                // A closing permit with nothing left to run.
                return;
            }

            batch.Clear();
            batch.Add(first);
            var flushAt = _time.GetUtcNow() + _maxDelay;
            while (batch.Count < _maxBatch)
            {
                if (_items.Wait(0))
                {
                    if (Take() is { } next)
                    {
                        batch.Add(next);
                        continue;
                    }

                    // A closing permit: hand it back for the loop above, which ends once everything ran.
                    _items.Release();
                    break;
                }

                bool coming;
                lock (_gate)
                {
                    // Queued but its permit not released yet counts as coming: the enqueuer is about to release it.
                    coming = _waiting.Count > 0 || _expected > 0;
                }

                // Nothing queued and nothing announced: waiting could only add latency.
                var wait = flushAt - _time.GetUtcNow();
                if (!coming || wait <= TimeSpan.Zero)
                {
                    break;
                }

                switch (await WaitForMoreAsync(wait))
                {
                    case Wake.Item when Take() is { } arrived:
                        batch.Add(arrived);
                        continue;
                    case Wake.Item:
                        _items.Release();
                        break;
                    case Wake.Nudged:
                        continue;
                }

                break;
            }

            if (_cores is null)
            {
                Execute(batch, allCores: true);
                continue;
            }

            var all = await _cores.TakeAsync(NothingBehind);
            try
            {
                Execute(batch, all);
            }
            finally
            {
                _cores.Release(all);
            }
        }
    }

    // Whether nothing waits or is being decoded behind the batch about to run.
    private bool NothingBehind()
    {
        lock (_gate)
        {
            return _waiting.Count == 0 && _expected == 0;
        }
    }

    private enum Wake
    {
        Item,
        Nudged,
        TimedOut,
    }

    private async Task<Wake> WaitForMoreAsync(TimeSpan wait)
    {
        using var cancel = new CancellationTokenSource();
        var more = _items.WaitAsync(cancel.Token);
        var nudged = _nudge.WaitAsync(cancel.Token);
        var delay = Task.Delay(wait, _time, cancel.Token);
        var first = await Task.WhenAny(more, nudged, delay);
        await cancel.CancelAsync();
        await Task.WhenAll(more, nudged, delay).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // A permit taken by the wait belongs to an item (or a closing signal) whichever task finished first.
        if (more.IsCompletedSuccessfully)
        {
            if (nudged.IsCompletedSuccessfully)
            {
                Nudge();
            }

            return Wake.Item;
        }

        // A nudge (an announced item given up) means: look again; the loop decides whether anything is still coming.
        return first == nudged && nudged.IsCompletedSuccessfully ? Wake.Nudged : Wake.TimedOut;
    }

    private void Execute(List<Entry> batch, bool allCores)
    {
        var now = _time.GetUtcNow();
        var live = new List<Entry>(batch.Count);
        foreach (var entry in batch)
        {
            if (entry.Deadline <= now)
            {
                Complete(entry, e => e.Completion.TrySetException(new TimeoutException($"The request waited past its deadline in the {_name} queue.")));
            }
            else
            {
                live.Add(entry);
            }
        }

        if (live.Count == 0)
        {
            return;
        }

        try
        {
            var started = _time.GetTimestamp();
            var waits = live.Select(e => _time.GetElapsedTime(e.EnqueuedAt, started)).ToArray();
            TResult[] results;
            using (var activity = ClipGrainsTelemetry.Activities.StartActivity($"clipgrains.batch {_name}"))
            {
                activity?.SetTag("clipgrains.batch.kind", _name);
                activity?.SetTag("clipgrains.batch.size", live.Count);
                activity?.SetTag("clipgrains.batch.cores", allCores ? _cores?.Cores ?? 0 : 1);
                results = _run(live.Select(e => e.Item).ToList(), allCores);
            }

            BatchRan?.Invoke(live.Count);
            if (!allCores)
            {
                OneCoreBatchRan?.Invoke(live.Count);
            }

            BatchTimed?.Invoke(live.Count, _time.GetElapsedTime(started), waits);
            for (var i = 0; i < live.Count; i++)
            {
                Complete(live[i], e => e.Completion.TrySetResult(results[i]));
            }
        }
#pragma warning disable CA1031 // Whatever the runner throws belongs to the callers of this batch, not to the loop.
        catch (Exception e)
#pragma warning restore CA1031
        {
            foreach (var entry in live)
            {
                Complete(entry, x => x.Completion.TrySetException(e));
            }
        }
    }

    private void Complete(Entry entry, Action<Entry> complete)
    {
        Interlocked.Decrement(ref _load);
        complete(entry);
    }

    private sealed record Entry(TItem Item, DateTimeOffset Deadline, TaskCompletionSource<TResult> Completion, long EnqueuedAt);
}
