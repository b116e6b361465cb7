using System.Threading.Channels;

namespace ClipGrains.Grains.Hosting;

/// <summary>
/// A bounded queue that merges concurrent items into batches: the first item waits at most
/// <c>maxDelay</c> for others, up to <c>maxBatch</c> items run together on the queue's single runner,
/// items past their deadline are dropped before running, and a full queue refuses at once. One runner per
/// queue matches one model instance: on CPU, ONNX Runtime already spreads one batch over all cores.
/// </summary>
internal sealed class BatchQueue<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<Entry> _channel;
    private readonly Func<IReadOnlyList<TItem>, TResult[]> _run;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly Task[] _loops;
    private int _load;

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

    /// <summary>Queues <paramref name="item"/>; throws <see cref="ServerOverloadedException"/> when the queue is full.</summary>
    public Task<TResult> EnqueueAsync(TItem item, DateTimeOffset deadline)
    {
        var entry = new Entry(item, deadline, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), _time.GetTimestamp());
        Interlocked.Increment(ref _load);
        if (!_channel.Writer.TryWrite(entry))
        {
            Interlocked.Decrement(ref _load);
            throw new ServerOverloadedException($"The {_name} queue is full; retry shortly.");
        }

        return entry.Completion.Task;
    }

    /// <summary>Stops accepting items, finishes everything already queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_loops);
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
                if (reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                    continue;
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
        var delay = Task.Delay(wait, _time, cancel.Token);
        var first = await Task.WhenAny(more, delay);
        await cancel.CancelAsync();
        return first == more && more.IsCompletedSuccessfully && more.Result;
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
