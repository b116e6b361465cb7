using ClipGrains.Gateway.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Gateway.Tests.Hosting;

/// <summary>When an idle server gives memory back after a burst (checks driven by hand; the collection is counted, not made).</summary>
public sealed class IdleMemoryTrimmerTests
{
    private readonly InFlightRequests _requests = new();
    private long _committed = 1L << 30;
    private int _collections;

    private IdleMemoryTrimmer Trimmer() => new(
        _requests, Options.Create(new GatewayOptions { TrimAboveBytes = 256L << 20 }), new FakeTimeProvider(), () => _committed, () => _collections++);

    private void Serve(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(_requests.TryEnter());
            _requests.Exit();
        }
    }

    [Fact]
    public void A_burst_is_trimmed_once_after_a_whole_idle_interval_and_not_again_until_the_next_burst()
    {
        var trimmer = Trimmer();
        trimmer.Check(); // the first look: nothing known yet
        Serve(3);
        trimmer.Check(); // requests since the last look: not idle for a whole interval
        Assert.Equal(0, _collections);

        trimmer.Check();
        trimmer.Check();
        Assert.Equal(1, _collections);

        Serve(1);
        trimmer.Check();
        trimmer.Check();
        Assert.Equal(2, _collections);
    }

    [Fact]
    public void Never_while_a_request_runs_nor_below_the_threshold()
    {
        var trimmer = Trimmer();
        Serve(2);
        trimmer.Check();
        Assert.True(_requests.TryEnter());
        trimmer.Check();
        trimmer.Check();
        Assert.Equal(0, _collections);
        _requests.Exit();

        _committed = 100L << 20;
        trimmer.Check();
        trimmer.Check();
        Assert.Equal(0, _collections);
    }
}
