using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Grains.Tests.Usage;

public sealed class UsageLogWriterTests
{
    private static UsageRecord Record(int i) => new($"u{i}", "tn_a", "k", "m", "createEmbedding", 0, 1, 1, new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Appends_are_written_in_batches_and_a_flush_waits_for_every_earlier_append()
    {
        var store = new CountingStore();
        var time = new FakeTimeProvider();
        using var writer = new UsageLogWriter(store, Options.Create(new UsageLogOptions { MaxBatch = 100, FlushInterval = TimeSpan.FromSeconds(10) }), time, NullLogger<UsageLogWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < 250; i++)
        {
            await writer.AppendAsync(Record(i));
        }

        // The fake clock never ends a window: only full batches and the flush close them.
        await writer.FlushAsync();

        Assert.Equal(250, (await store.PageAsync("tn_a", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, 1_000)).Count);
        Assert.InRange(store.Batches, 3, 4);
        Assert.All(store.Sizes, size => Assert.InRange(size, 1, 100));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failed_batch_is_retried_until_written_and_a_repeated_record_counts_once()
    {
        var store = new CountingStore { FailuresLeft = 2 };
        var time = new FakeTimeProvider();
        using var writer = new UsageLogWriter(store, Options.Create(new UsageLogOptions()), time, NullLogger<UsageLogWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        await writer.AppendAsync(Record(1));
        await writer.AppendAsync(Record(1));
        var flushed = writer.FlushAsync();

        // Each retry waits its backoff on the (fake) clock.
        while (!flushed.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        await flushed;
        Assert.Single(await store.PageAsync("tn_a", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, 10));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task With_no_append_wait_a_full_queue_drops_and_counts_new_records_and_flushes_still_complete()
    {
        var store = new CountingStore { Gate = new TaskCompletionSource() };
        using var writer = new UsageLogWriter(store, Options.Create(new UsageLogOptions { MaxQueued = 10, MaxBatch = 5, AppendWait = TimeSpan.Zero }), new FakeTimeProvider(), NullLogger<UsageLogWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        // The store hangs: one batch is taken off the queue and waits; ten more fill the queue; the rest are dropped.
        for (var i = 0; i < 40; i++)
        {
            await writer.AppendAsync(Record(i));
        }

        var flushed = writer.FlushAsync();
        Assert.False(flushed.IsCompleted);
        store.Gate.SetResult();
        await flushed;

        var written = (await store.PageAsync("tn_a", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, 100)).Count;
        Assert.Equal(40, written + writer.Dropped);
        Assert.InRange(writer.Dropped, 25, 30);
        await writer.StopAsync(CancellationToken.None);
    }

    private sealed class CountingStore : IUsageStore
    {
        private readonly MemoryUsageStore _inner = new();

        public TaskCompletionSource? Gate { get; init; }

        public int FailuresLeft { get; set; }

        public int Batches => Sizes.Count;

        public List<int> Sizes { get; } = [];

        public async Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
        {
            if (Gate is not null)
            {
                await Gate.Task;
            }

            if (FailuresLeft-- > 0)
            {
                throw new InvalidOperationException("store down");
            }

            Sizes.Add(records.Count);
            await _inner.InsertAsync(records, cancellationToken);
        }

        public Task<IReadOnlyList<UsageRecord>> PageAsync(string tenant, DateTimeOffset since, DateTimeOffset until, (DateTimeOffset At, string Id)? after, int limit, CancellationToken cancellationToken = default) =>
            _inner.PageAsync(tenant, since, until, after, limit, cancellationToken);

        public Task<IReadOnlyList<UsageGroup>> SummarizeAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default) =>
            _inner.SummarizeAsync(tenant, since, until, cancellationToken);

        public Task<IReadOnlyList<CollectionUsageGroup>> SummarizeCollectionsAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default) =>
            _inner.SummarizeCollectionsAsync(tenant, since, until, cancellationToken);

        public Task<bool> ContainsAsync(string tenant, string id, CancellationToken cancellationToken = default) => _inner.ContainsAsync(tenant, id, cancellationToken);

        public Task<long> LeaseCreditsAsync(string tenant, long lease, CancellationToken cancellationToken = default) => _inner.LeaseCreditsAsync(tenant, lease, cancellationToken);
    }
}
