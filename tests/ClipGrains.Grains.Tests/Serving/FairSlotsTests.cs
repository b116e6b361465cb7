using ClipGrains.Grains.Serving;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Grains.Tests.Serving;

public sealed class FairSlotsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    [Fact]
    public async Task A_freed_slot_goes_to_the_next_waiting_tenant_in_turn_not_to_the_oldest_waiter()
    {
        var time = new FakeTimeProvider();
        var slots = new FairSlots(1);
        Assert.True(await slots.WaitAsync("a", Long, time));
        var floodA = Enumerable.Range(0, 5).Select(_ => slots.WaitAsync("a", Long, time)).ToList();
        var b = slots.WaitAsync("b", Long, time);

        slots.Release();

        Assert.True(await floodA[0]);
        Assert.False(b.IsCompleted);
        slots.Release();
        Assert.True(await b);
        Assert.All(floodA.Skip(1), t => Assert.False(t.IsCompleted));
        for (var i = 1; i < 5; i++)
        {
            slots.Release();
            Assert.True(await floodA[i]);
        }

        slots.Release();
        Assert.Equal(1, slots.Free);
    }

    [Fact]
    public async Task A_lone_tenant_may_use_every_slot_and_a_waiter_that_timed_out_is_skipped()
    {
        var time = new FakeTimeProvider();
        var slots = new FairSlots(2);
        Assert.True(await slots.WaitAsync("a", Long, time));
        Assert.True(await slots.WaitAsync("a", Long, time));
        var late = slots.WaitAsync("a", TimeSpan.FromSeconds(1), time);
        var patient = slots.WaitAsync("b", Long, time);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await late);
        slots.Release();

        Assert.True(await patient);
        slots.Release();
        slots.Release();
        Assert.Equal(2, slots.Free);
    }

    [Fact]
    public async Task A_cancelled_waiter_throws_and_gives_its_turn_away()
    {
        var time = new FakeTimeProvider();
        var slots = new FairSlots(1);
        Assert.True(await slots.WaitAsync("a", Long, time));
        using var cancel = new CancellationTokenSource();
        var cancelled = slots.WaitAsync("a", Long, time, cancel.Token);
        var next = slots.WaitAsync("b", Long, time);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        slots.Release();

        Assert.True(await next);
    }
}
