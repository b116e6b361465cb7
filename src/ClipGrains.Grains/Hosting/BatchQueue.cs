using System.Threading.Channels;

namespace ClipGrains.Grains.Hosting;

/// <summary>
/// A bounded queue that merges concurrent items into batches: up to <c>maxBatch</c> items run together on the
/// queue's runner, items past their deadline are dropped before running, and a full queue refuses at once. One
/// runner per queue matches one model instance: on CPU, ONNX Runtime already spreads one batch over all cores.
/// </summary>
/// <remarks>
/// A batch with room waits for company only while company is known to be coming: callers announce items with
/// <see cref="Expect"/> before the slow work that produces them (decoding), and the runner waits at most
/// <c>maxDelay</c> for announced items. With nothing announced a batch runs at once, so a lone request never pays the
/// batching window, while under load (items decoding while a batch runs) batches still fill.
/// </remarks>
internal sealed class BatchQueue<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<Entry> _channel;
    private readonly Func<IReadOnlyList<TItem>, TResult[]> _run;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly Task[] _loops;
    private readonly Lock _gate = new();
    // At most one pending nudge: a runner only needs to know "look again", and stale releases would make its next
    // wait return at once as many times as requests failed while it was busy.
    private readonly SemaphoreSlim _nudge = new(0, 1);
    private int _load;

    // Items announced by Expect and neither enqueued nor forgotten; changed together with the channel under _gate so
    // the runner never sees "nothing queued, nothing coming" while an announced item is between the two.
    private int _expected;

    public BatchQueue(string name, Func<IReadOnlyList<TItem>, TResult[]> run, int maxBatch, TimeSpan maxDelay, int capacity, TimeProvider time, int runners = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runners);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _name = name;
        _run = run;
        _maxBatch = maxBatch;
        _maxDelay = maxDelay;
        _time = time;
        _channel = Channel.CreateBounded<Entry>(new BoundedChannelOptions(capacity) { SingleReader = runners == 1, FullMode = BoundedChannelFullMode.Wait });
        _loops = Enumerable.Range(0, runners)
            .Select(_ => Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap())
            .ToArray();
    }

    /// <summary>Called with the size of every batch run (metrics and tests).</summary>
    public event Action<int>? BatchRan;

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
    /// Queues <paramref name="item"/> (one of the announced ones when <paramref name="announced"/>); throws
    /// <see cref="ServerOverloadedException"/> when the queue is full.
    /// </summary>
    public Task<TResult> EnqueueAsync(TItem item, DateTimeOffset deadline, bool announced = false)
    {
        var entry = new Entry(item, deadline, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), _time.GetTimestamp());
        Interlocked.Increment(ref _load);
        bool written;
        lock (_gate)
        {
            if (announced && _expected > 0)
            {
                _expected--;
            }

            written = _channel.Writer.TryWrite(entry);
        }

        if (!written)
        {
            Interlocked.Decrement(ref _load);
            if (announced)
            {
                Nudge();
            }

            throw new ServerOverloadedException($"The {_name} queue is full; retry shortly.");
        }

        return entry.Completion.Task;
    }

    /// <summary>
    /// Queues <paramref name="items"/>, every one of them announced by <see cref="Expect"/>. When the queue fills part-way,
    /// the announcements of the items left over are given up before <see cref="ServerOverloadedException"/> leaves, so
    /// callers only forget what they announced and never reached this call with.
    /// </summary>
    public Task<TResult>[] EnqueueAnnounced(IReadOnlyList<TItem> items, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(items);
        var queued = new Task<TResult>[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                queued[i] = EnqueueAsync(items[i], deadline, announced: true);
            }
            catch (ServerOverloadedException)
            {
                // The refused item's own announcement was consumed by EnqueueAsync.
                Forget(items.Count - i - 1);
                throw;
            }
        }

        return queued;
    }

    /// <summary>Stops accepting items, finishes everything already queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_loops);
        _nudge.Dispose();
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

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<Entry>(_maxBatch);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            var flushAt = _time.GetUtcNow() + _maxDelay;
            while (batch.Count < _maxBatch)
            {
                Entry? entry;
                bool coming;
                lock (_gate)
                {
                    coming = !reader.TryRead(out entry) && _expected > 0;
                }

                if (entry is not null)
                {
                    batch.Add(entry);
                    continue;
                }

                // Nothing queued and nothing announced: waiting could only add latency.
                if (!coming)
                {
                    break;
                }

                var wait = flushAt - _time.GetUtcNow();
                if (wait <= TimeSpan.Zero || !await WaitForMoreAsync(reader, wait))
                {
                    break;
                }
            }

            Execute(batch);
        }
    }

    private async Task<bool> WaitForMoreAsync(ChannelReader<Entry> reader, TimeSpan wait)
    {
        using var cancel = new CancellationTokenSource();
        var more = reader.WaitToReadAsync(cancel.Token).AsTask();
        var nudged = _nudge.WaitAsync(cancel.Token);
        var delay = Task.Delay(wait, _time, cancel.Token);
        var first = await Task.WhenAny(more, nudged, delay);
        await cancel.CancelAsync();

        // A nudge (an announced item given up) means: look again; the loop decides whether anything is still coming.
        return first == nudged || (first == more && more.IsCompletedSuccessfully && more.Result);
    }

    private void Execute(List<Entry> batch)
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
            using (var activity = Telemetry.ClipGrainsTelemetry.Activities.StartActivity($"clipgrains.batch {_name}"))
            {
                activity?.SetTag("clipgrains.batch.kind", _name);
                activity?.SetTag("clipgrains.batch.size", live.Count);
                results = _run(live.Select(e => e.Item).ToList());
            }

            BatchRan?.Invoke(live.Count);
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
