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
        var slots = new FairSlots(1, time);
        Assert.True(await slots.WaitAsync("a", 1, Long));
        var floodA = Enumerable.Range(0, 5).Select(_ => slots.WaitAsync("a", 1, Long)).ToList();
        var b = slots.WaitAsync("b", 1, Long);

        slots.Release("a");

        Assert.True(await floodA[0]);
        Assert.False(b.IsCompleted);
        slots.Release("a");
        Assert.True(await b);
        Assert.All(floodA.Skip(1), t => Assert.False(t.IsCompleted));
        for (var i = 1; i < 5; i++)
        {
            slots.Release(i == 1 ? "b" : "a");
            Assert.True(await floodA[i]);
        }

        slots.Release("a");
        Assert.Equal(1, slots.Free);
    }

    [Fact]
    public async Task A_lone_tenant_may_use_every_slot_and_a_waiter_that_timed_out_is_skipped()
    {
        var time = new FakeTimeProvider();
        var slots = new FairSlots(2, time);
        Assert.True(await slots.WaitAsync("a", 1, Long));
        Assert.True(await slots.WaitAsync("a", 1, Long));
        var late = slots.WaitAsync("a", 1, TimeSpan.FromSeconds(1));
        var patient = slots.WaitAsync("b", 1, Long);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await late);
        slots.Release("a");

        Assert.True(await patient);
        slots.Release("a");
        slots.Release("b");
        Assert.Equal(2, slots.Free);
    }

    [Fact]
    public async Task A_cancelled_waiter_throws_and_gives_its_turn_away()
    {
        var time = new FakeTimeProvider();
        var slots = new FairSlots(1, time);
        Assert.True(await slots.WaitAsync("a", 1, Long));
        using var cancel = new CancellationTokenSource();
        var cancelled = slots.WaitAsync("a", 1, Long, cancel.Token);
        var next = slots.WaitAsync("b", 1, Long);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        slots.Release("a");

        Assert.True(await next);
    }

    [Fact]
    public async Task While_another_tenant_is_present_a_tenant_holding_the_other_slots_does_not_get_the_last_one()
    {
        var time = new FakeTimeProvider();
        var slots = new FairSlots(2, time);
        Assert.True(await slots.WaitAsync("b", 1, Long)); // b decodes a small image and is done
        slots.Release("b");

        Assert.True(await slots.WaitAsync("a", 1, Long));
        var secondOfA = slots.WaitAsync("a", 1, Long);

        // Kept for b, which came within the sharing window: its next image starts at once, not behind a's flood.
        Assert.Equal((false, 1), (secondOfA.IsCompleted, slots.Free));
        Assert.True(await slots.WaitAsync("b", 1, Long));
        slots.Release("b");

        // b gone for longer than the window: a, alone, may use every slot from the next release on.
        time.Advance(FairSlots.SharingWindow + TimeSpan.FromMilliseconds(1));
        slots.Release("a");
        Assert.True(await secondOfA);
        Assert.True(await slots.WaitAsync("a", 1, Long));
        Assert.Equal((2, 0), (slots.HeldBy("a"), slots.Free));
    }

    [Fact]
    public async Task Slots_are_shared_by_weight_so_small_decodes_pass_a_large_one_waiting_ahead_of_them()
    {
        var time = new FakeTimeProvider();
        var slots = new FairSlots(1, time);
        Assert.True(await slots.WaitAsync("a", 40, Long));
        var large = slots.WaitAsync("a", 40, Long);
        var small = Enumerable.Range(0, 3).Select(_ => slots.WaitAsync("b", 1, Long)).ToList();

        slots.Release("a");
        Assert.True(await small[0]);
        slots.Release("b");
        Assert.True(await small[1]);
        slots.Release("b");
        Assert.True(await small[2]);
        Assert.False(large.IsCompleted);

        slots.Release("b");
        Assert.True(await large);
    }
}
