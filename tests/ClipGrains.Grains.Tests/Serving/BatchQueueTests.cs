using ClipGrains.Grains.Serving;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Grains.Tests.Serving;

public sealed class BatchQueueTests
{
    // Real time allowed for a batch that must run without the fake clock moving; only a broken queue needs it.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Items_queued_while_a_batch_runs_are_merged_into_the_next_batch()
    {
        using var gate = new Gate();
        var batches = new List<int[]>();
        await using var queue = new BatchQueue<int, int>("test", items =>
        {
            gate.WaitIfClosed();
            lock (batches)
            {
                batches.Add([.. items]);
            }

            return items.Select(i => i * 10).ToArray();
        }, maxBatch: 4, maxDelay: TimeSpan.Zero, capacity: 100, TimeProvider.System);

        var first = queue.EnqueueAsync(1, DateTimeOffset.MaxValue);
        await gate.Entered;
        var rest = Enumerable.Range(2, 6).Select(i => queue.EnqueueAsync(i, DateTimeOffset.MaxValue)).ToList();
        gate.Open();

        Assert.Equal(10, await first);
        Assert.Equal(new[] { 20, 30, 40, 50, 60, 70 }, await Task.WhenAll(rest));
        Assert.Equal([[1], [2, 3, 4, 5], [6, 7]], batches);
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_without_running_anything()
    {
        using var gate = new Gate();
        await using var queue = new BatchQueue<int, int>("image", items =>
        {
            gate.WaitIfClosed();
            return [.. items];
        }, maxBatch: 1, maxDelay: TimeSpan.Zero, capacity: 2, TimeProvider.System);
        var running = queue.EnqueueAsync(0, DateTimeOffset.MaxValue);
        await gate.Entered;
        var queued = new[] { queue.EnqueueAsync(1, DateTimeOffset.MaxValue), queue.EnqueueAsync(2, DateTimeOffset.MaxValue) };

        var error = await Assert.ThrowsAsync<ServerOverloadedException>(() => queue.EnqueueAsync(3, DateTimeOffset.MaxValue));

        Assert.Equal("The image queue is full; retry shortly.", error.Message);
        Assert.Equal(3, queue.Load);
        gate.Open();
        await Task.WhenAll(queued.Append(running));
        Assert.Equal(0, queue.Load);
    }

    [Fact]
    public async Task Items_past_their_deadline_are_dropped_before_running()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var gate = new Gate();
        var ran = new List<int>();
        await using var queue = new BatchQueue<int, int>("test", items =>
        {
            gate.WaitIfClosed();
            ran.AddRange(items);
            return [.. items];
        }, maxBatch: 8, maxDelay: TimeSpan.Zero, capacity: 10, clock);
        var first = queue.EnqueueAsync(1, DateTimeOffset.MaxValue);
        await gate.Entered;
        var late = queue.EnqueueAsync(2, clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        var onTime = queue.EnqueueAsync(3, clock.GetUtcNow() + TimeSpan.FromSeconds(10));

        clock.Advance(TimeSpan.FromSeconds(2));
        gate.Open();

        await first;
        Assert.Equal(3, await onTime);
        await Assert.ThrowsAsync<TimeoutException>(() => late);
        Assert.Equal([1, 3], ran);
    }

    [Fact]
    public async Task A_runner_failure_fails_every_item_of_its_batch_and_the_queue_goes_on()
    {
        var calls = 0;
        await using var queue = new BatchQueue<int, int>("test", items =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("boom") : [.. items],
            maxBatch: 1, maxDelay: TimeSpan.Zero, capacity: 10, TimeProvider.System);

        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.EnqueueAsync(1, DateTimeOffset.MaxValue));

        Assert.Equal(2, await queue.EnqueueAsync(2, DateTimeOffset.MaxValue));
    }

    [Fact]
    public async Task Dispose_finishes_queued_work()
    {
        using var gate = new Gate();
        var queue = new BatchQueue<int, int>("test", items =>
        {
            gate.WaitIfClosed();
            return [.. items];
        }, maxBatch: 1, maxDelay: TimeSpan.Zero, capacity: 10, TimeProvider.System);
        var items = Enumerable.Range(0, 3).Select(i => queue.EnqueueAsync(i, DateTimeOffset.MaxValue)).ToList();
        await gate.Entered;

        var disposing = queue.DisposeAsync().AsTask();
        gate.Open();
        await disposing;

        Assert.All(items, t => Assert.True(t.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Two_runners_run_two_batches_at_once()
    {
        using var bothInside = new CountdownEvent(2);
        await using var queue = new BatchQueue<int, int>("test", items =>
        {
            bothInside.Signal();
            Assert.True(bothInside.Wait(TimeSpan.FromSeconds(30)), "the second runner never started a batch");
            return [.. items];
        }, maxBatch: 1, maxDelay: TimeSpan.Zero, capacity: 10, TimeProvider.System, runners: 2);

        var results = await Task.WhenAll(queue.EnqueueAsync(1, DateTimeOffset.MaxValue), queue.EnqueueAsync(2, DateTimeOffset.MaxValue));

        Assert.Equal(new[] { 1, 2 }, results);
    }

    [Fact]
    public async Task A_lone_item_runs_at_once_without_waiting_for_the_batching_window()
    {
        // The fake clock never moves: an item that waited for the window would never run.
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var queue = new BatchQueue<int, int>("test", items => [.. items], maxBatch: 8, maxDelay: TimeSpan.FromHours(1), capacity: 10, clock);

        Assert.Equal(1, await queue.EnqueueAsync(1, DateTimeOffset.MaxValue).WaitAsync(Patience));
        Assert.Equal(2, await queue.EnqueueAsync(2, DateTimeOffset.MaxValue, announced: true).WaitAsync(Patience));
    }

    [Fact]
    public async Task Announced_items_are_waited_for_and_run_as_one_batch()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var batches = new List<int[]>();
        await using var queue = Recording(batches, clock);

        queue.Expect(3);
        var first = queue.EnqueueAsync(1, DateTimeOffset.MaxValue, announced: true);
        var second = queue.EnqueueAsync(2, DateTimeOffset.MaxValue, announced: true);
        Assert.Equal(1, queue.Expected);
        var third = queue.EnqueueAsync(3, DateTimeOffset.MaxValue, announced: true);

        Assert.Equal(new[] { 1, 2, 3 }, await Task.WhenAll(first, second, third).WaitAsync(Patience));
        Assert.Equal([[1, 2, 3]], batches);
        Assert.Equal(0, queue.Expected);
    }

    [Fact]
    public async Task Forgetting_the_announced_items_that_will_not_come_runs_the_batch_without_them()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var batches = new List<int[]>();
        await using var queue = Recording(batches, clock);

        queue.Expect(3);
        var first = queue.EnqueueAsync(1, DateTimeOffset.MaxValue, announced: true);
        queue.Forget(2);

        Assert.Equal(1, await first.WaitAsync(Patience));
        Assert.Equal([[1]], batches);
        Assert.Equal(0, queue.Expected);
    }

    [Fact]
    public async Task An_announced_item_that_never_comes_holds_the_batch_only_for_the_window()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var queue = new BatchQueue<int, int>("test", items => [.. items], maxBatch: 8, maxDelay: TimeSpan.FromMilliseconds(5), capacity: 10, clock);

        queue.Expect(2);
        var first = queue.EnqueueAsync(1, DateTimeOffset.MaxValue, announced: true);

        // The fake clock moves in window-sized steps until the batch runs (the runner may start its timer after any
        // step); without the window's end it would wait for the missing item forever.
        var giveUp = Environment.TickCount64 + 30_000;
        while (!first.IsCompleted && Environment.TickCount64 < giveUp)
        {
            clock.Advance(TimeSpan.FromMilliseconds(5));
            await Task.Yield();
        }

        Assert.True(first.IsCompleted, "the batch never ran after its window");
        Assert.Equal(1, await first);
        Assert.Equal(1, queue.Expected);
    }

    [Fact]
    public async Task Announced_items_refused_by_a_full_queue_give_up_their_announcements_and_the_queued_ones_still_run()
    {
        using var gate = new Gate();
        await using var queue = new BatchQueue<int, int>("image", items =>
        {
            gate.WaitIfClosed();
            return [.. items];
        }, maxBatch: 1, maxDelay: TimeSpan.Zero, capacity: 1, TimeProvider.System);
        var running = queue.EnqueueAsync(0, DateTimeOffset.MaxValue);
        await gate.Entered;

        queue.Expect(4);
        var queued = queue.EnqueueAnnounced([1, 2, 3, 4], DateTimeOffset.MaxValue);

        // 1 was queued, 2 was refused, 3 and 4 never tried: nothing is left announced for the runner to wait for, and
        // the caller holds 1's task, so it can wait for it before reusing 1's buffer.
        Assert.Equal([false, true, true, true], queued.Select(q => q.IsFaulted));
        var error = await Assert.ThrowsAsync<ServerOverloadedException>(() => queued[1]);
        Assert.Equal("The image queue is full; retry shortly.", error.Message);
        Assert.Equal(0, queue.Expected);
        Assert.Equal(2, queue.Load);
        gate.Open();
        Assert.Equal(0, await running);
        Assert.Equal(1, await queued[0]);
    }

    [Fact]
    public async Task Batches_take_one_item_per_tenant_in_turn_so_a_backlog_does_not_delay_another_tenant()
    {
        using var gate = new Gate();
        var batches = new List<int[]>();
        await using var queue = new BatchQueue<int, int>("test", items =>
        {
            gate.WaitIfClosed();
            lock (batches)
            {
                batches.Add([.. items]);
            }

            return [.. items];
        }, maxBatch: 4, maxDelay: TimeSpan.Zero, capacity: 100, TimeProvider.System);
        var first = queue.EnqueueAsync(0, DateTimeOffset.MaxValue, tenant: "a");
        await gate.Entered;

        var flood = Enumerable.Range(1, 6).Select(i => queue.EnqueueAsync(i, DateTimeOffset.MaxValue, tenant: "a")).ToList();
        var other = new[] { queue.EnqueueAsync(101, DateTimeOffset.MaxValue, tenant: "b"), queue.EnqueueAsync(102, DateTimeOffset.MaxValue, tenant: "b") };
        gate.Open();
        await Task.WhenAll(flood.Concat(other).Append(first));

        Assert.Equal([[0], [1, 101, 2, 102], [3, 4, 5, 6]], batches);
    }

    [Fact]
    public async Task With_fair_shares_a_flooding_tenant_is_refused_while_room_stays_for_another()
    {
        using var gate = new Gate();
        await using var queue = new BatchQueue<int, int>("image", items =>
        {
            gate.WaitIfClosed();
            return [.. items];
        }, maxBatch: 1, maxDelay: TimeSpan.Zero, capacity: 12, TimeProvider.System, fairShare: true);
        var running = queue.EnqueueAsync(0, DateTimeOffset.MaxValue, tenant: "a");
        await gate.Entered;

        // Alone, a tenant may fill half the queue (12 / (0 + 2)); the rest is kept for whoever comes next.
        var floodA = Enumerable.Range(1, 6).Select(i => queue.EnqueueAsync(i, DateTimeOffset.MaxValue, tenant: "a")).ToList();
        var refusedA = await Assert.ThrowsAsync<ServerOverloadedException>(() => queue.EnqueueAsync(7, DateTimeOffset.MaxValue, tenant: "a"));

        // With a waiting, b's share is 12 / (1 + 2) = 4, and it fits although a flooded first.
        var b = Enumerable.Range(11, 4).Select(i => queue.EnqueueAsync(i, DateTimeOffset.MaxValue, tenant: "b")).ToList();
        var refusedB = await Assert.ThrowsAsync<ServerOverloadedException>(() => queue.EnqueueAsync(15, DateTimeOffset.MaxValue, tenant: "b"));

        // And a third tenant still finds room (12 / (2 + 2) = 3 of the 2 places left).
        var c = Enumerable.Range(21, 2).Select(i => queue.EnqueueAsync(i, DateTimeOffset.MaxValue, tenant: "c")).ToList();

        Assert.Equal("Your requests fill this server's share of the image queue (6 items while 0 other tenants wait); retry shortly or send fewer at once.", refusedA.Message);
        Assert.Equal("Your requests fill this server's share of the image queue (4 items while 1 other tenants wait); retry shortly or send fewer at once.", refusedB.Message);
        Assert.Equal("The image queue is full; retry shortly.", (await Assert.ThrowsAsync<ServerOverloadedException>(() => queue.EnqueueAsync(99, DateTimeOffset.MaxValue, tenant: "d"))).Message);
        gate.Open();
        await Task.WhenAll(floodA.Concat(b).Concat(c).Append(running));
    }

    /// <summary>A queue with a window no test outlives (1 hour of a frozen clock) that records every batch it runs.</summary>
    private static BatchQueue<int, int> Recording(List<int[]> batches, TimeProvider clock) => new("test", items =>
    {
        lock (batches)
        {
            batches.Add([.. items]);
        }

        return [.. items];
    }, maxBatch: 8, maxDelay: TimeSpan.FromHours(1), capacity: 10, clock);

    /// <summary>Holds the runner inside its first batch until the test opens it.</summary>
    private sealed class Gate : IDisposable
    {
        private readonly ManualResetEventSlim _open = new(false);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void WaitIfClosed()
        {
            _entered.TrySetResult();
            _open.Wait(TimeSpan.FromSeconds(30));
        }

        public void Open() => _open.Set();

        public void Dispose() => _open.Dispose();
    }
}
