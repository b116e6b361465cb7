using ClipGrains.Grains.Serving;

namespace ClipGrains.Grains.Tests.Serving;

public sealed class CoreShareTests
{
    [Fact]
    public async Task A_lone_batch_gets_every_core_and_a_batch_with_work_behind_it_gets_one()
    {
        var share = new CoreShare(2);

        Assert.True(await share.TakeAsync(() => true));
        share.Release(all: true);
        Assert.False(await share.TakeAsync(() => false));
        share.Release(all: false);
        Assert.True(await share.TakeAsync(() => true));
        share.Release(all: true);
    }

    [Fact]
    public async Task One_core_batches_run_side_by_side_up_to_the_core_count_and_the_next_waits_for_a_release()
    {
        var share = new CoreShare(2);
        Assert.False(await share.TakeAsync(() => false));
        Assert.False(await share.TakeAsync(() => false));

        var third = share.TakeAsync(() => true).AsTask();
        Assert.False(third.IsCompleted);

        // One core is still taken, so even a batch that is now alone gets one core: the widths never overlap.
        share.Release(all: false);
        Assert.False(await third);
        share.Release(all: false);
        share.Release(all: false);
        Assert.True(await share.TakeAsync(() => true));
        share.Release(all: true);
    }

    [Fact]
    public async Task Nothing_is_granted_while_an_all_cores_batch_runs_and_the_waiter_asks_again_when_it_ends()
    {
        var share = new CoreShare(2);
        Assert.True(await share.TakeAsync(() => true));
        var alone = false;
        var next = share.TakeAsync(() => alone).AsTask();
        Assert.False(next.IsCompleted);

        alone = true;
        share.Release(all: true);

        Assert.True(await next);
        share.Release(all: true);
    }

    [Fact]
    public async Task With_one_core_every_batch_takes_all_of_it()
    {
        var share = new CoreShare(1);

        Assert.True(await share.TakeAsync(() => false));
        share.Release(all: true);
        Assert.Equal(1, share.Cores);
    }
}
