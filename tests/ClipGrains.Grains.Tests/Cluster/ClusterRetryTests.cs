using ClipGrains.Grains.Cluster;

namespace ClipGrains.Grains.Tests.Cluster;

public sealed class ClusterRetryTests
{
    [Fact]
    public async Task A_read_that_hit_a_dead_silo_is_tried_once_more()
    {
        var calls = 0;

        var result = await ClusterRetry.ReadOnceMoreAsync(() => ++calls == 1 ? throw new SiloUnavailableException("gone") : Task.FromResult("tenant"));

        Assert.Equal(("tenant", 2), (result, calls));
    }

    [Fact]
    public async Task Only_once_and_only_for_a_dead_silo()
    {
        var calls = 0;
        await Assert.ThrowsAsync<SiloUnavailableException>(() => ClusterRetry.ReadOnceMoreAsync<string>(() => { calls++; throw new SiloUnavailableException("gone"); }));
        Assert.Equal(2, calls);

        calls = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => ClusterRetry.ReadOnceMoreAsync<string>(() => { calls++; throw new TimeoutException(); }));
        Assert.Equal(1, calls);
    }
}
