using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ClipGrains.Abstractions.Tenancy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Usage;

/// <summary>
/// This process's writer of the usage log: <see cref="AppendAsync"/> only queues (waiting for room when full); one loop takes what has queued — up to
/// <see cref="UsageLogOptions.MaxBatch"/> records, waiting at most <see cref="UsageLogOptions.FlushInterval"/> for more —
/// and writes it in one transaction, retrying a failed batch until it is written (records are deduplicated by id, so a
/// batch whose acknowledgement was lost is harmless to write again). Stopping the host writes what is queued.
/// </summary>
internal sealed partial class UsageLogWriter(IUsageStore store, IOptions<UsageLogOptions> options, TimeProvider time, ILogger<UsageLogWriter> logger)
    : BackgroundService, IUsageLog
{
    private readonly Channel<UsageRecord> _queue = Channel.CreateBounded<UsageRecord>(
        new BoundedChannelOptions(options.Value.MaxQueued) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private readonly Lock _lock = new();
    private long _appended;
    private long _written;
    private long _dropped;
    private CancellationTokenSource? _window;
    private long _lastDropLogged;

    public long Dropped => Interlocked.Read(ref _dropped);

    public async ValueTask<bool> AppendAsync(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (TryAppend(record))
        {
            return true;
        }

        // Backpressure: the store is slower than the traffic; wait for room rather than lose the record.
        if (options.Value.AppendWait > TimeSpan.Zero)
        {
            return await WaitForRoomAsync(record);
        }

        Drop();
        return false;
    }

    private async Task<bool> WaitForRoomAsync(UsageRecord record)
    {
        // WriteAsync serves waiting appenders one at a time as room frees (no herd of wake-ups).
        using var wait = new CancellationTokenSource(options.Value.AppendWait, time);
        try
        {
            await _queue.Writer.WriteAsync(record, wait.Token);
            Appended();
            return true;
        }
        catch (OperationCanceledException)
        {
            // Still full after the wait: the store is down.
        }

        Drop();
        return false;
    }

    // Counted, and logged at most once a minute.
    private void Drop()
    {
        Interlocked.Increment(ref _dropped);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropLogged);
        if ((last == 0 || time.GetElapsedTime(last, now) > TimeSpan.FromMinutes(1)) && Interlocked.CompareExchange(ref _lastDropLogged, now, last) == last)
        {
            LogDropped(logger, Dropped);
        }
    }

    // A record counts as appended once it is in the queue. The writer may write it before the count moves (written then
    // briefly exceeds appended), which only means a flush in between does not wait for it: its append had not returned.
    private bool TryAppend(UsageRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
        {
            return false;
        }

        Appended();
        return true;
    }

    private void Appended()
    {
        lock (_lock)
        {
            _appended++;
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_written >= _appended)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((_appended, done));
            _window?.Cancel(); // A flush closes the batch being gathered now instead of waiting out its window.
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    public async IAsyncEnumerable<UsageRecord> ReadAsync(string tenant, DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const int Page = 1_000;
        (DateTimeOffset, string)? after = null;
        while (true)
        {
            var page = await store.PageAsync(tenant, since, until, after, Page, cancellationToken);
            foreach (var record in page)
            {
                yield return record;
            }

            if (page.Count < Page)
            {
                yield break;
            }

            after = (page[^1].At, page[^1].Id);
        }
    }

    public Task<IReadOnlyList<UsageGroup>> SummarizeAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        store.SummarizeAsync(tenant, since, until, cancellationToken);

    public Task<IReadOnlyList<CollectionUsageGroup>> SummarizeCollectionsAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        store.SummarizeCollectionsAsync(tenant, since, until, cancellationToken);

    public Task<bool> ContainsAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        store.ContainsAsync(tenant, id, cancellationToken);

    public Task<long> LeaseCreditsAsync(string tenant, long lease, CancellationToken cancellationToken = default) =>
        store.LeaseCreditsAsync(tenant, lease, cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking work only once what is queued is written (bounded by the host's shutdown timeout).
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var batch = new List<UsageRecord>(options.Value.MaxBatch);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            // Group commit: the first record opens a window; the batch closes when full, when the window ends, or on a flush.
            using (var window = OpenWindow())
            {
                while (batch.Count < options.Value.MaxBatch)
                {
                    if (reader.TryRead(out var record))
                    {
                        batch.Add(record);
                        continue;
                    }

                    try
                    {
                        if (!await reader.WaitToReadAsync(window.Token))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                lock (_lock)
                {
                    _window = null;
                }
            }

            await WriteAsync(batch);
            batch.Clear();
        }
    }

    private CancellationTokenSource OpenWindow()
    {
        var window = new CancellationTokenSource(options.Value.FlushInterval, time);
        lock (_lock)
        {
            _window = window;
            if (_waiters.Count > 0)
            {
                window.Cancel();
            }
        }

        return window;
    }

    private async Task WriteAsync(List<UsageRecord> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.InsertAsync(batch);
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogWriteFailed(logger, batch.Count, attempt, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 50 * (1 << Math.Min(attempt, 7)))), time);
            }
        }

        lock (_lock)
        {
            _written += batch.Count;
            foreach (var waiter in _waiters.Where(w => w.Target <= _written).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Error, Message = "The usage log's store is down and its queue full: {Dropped} records dropped since start")]
    private static partial void LogDropped(ILogger logger, long dropped);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Writing {Count} usage records failed (attempt {Attempt}): {Reason}; retrying")]
    private static partial void LogWriteFailed(ILogger logger, int count, int attempt, string reason);
}
