using ClipGrains.Gateway.Hosting;

namespace ClipGrains.Gateway.Tests.Hosting;

public sealed class InFlightRequestsTests
{
    [Fact]
    public void An_open_gate_admits_and_counts()
    {
        var requests = new InFlightRequests();

        Assert.True(requests.TryEnter());
        Assert.True(requests.TryEnter());
        requests.Exit();

        Assert.Equal(1, requests.Count);
        Assert.False(requests.IsClosed);
        Assert.False(requests.Drained.IsCompleted);
    }

    [Fact]
    public void A_closed_gate_refuses_and_drains_when_the_last_admitted_request_ends()
    {
        var requests = new InFlightRequests();
        Assert.True(requests.TryEnter());
        Assert.True(requests.TryEnter());

        requests.Close();

        Assert.False(requests.TryEnter());
        Assert.Equal(2, requests.Count);
        requests.Exit();
        Assert.False(requests.Drained.IsCompleted);
        requests.Exit();
        Assert.True(requests.Drained.IsCompletedSuccessfully);
    }

    [Fact]
    public void Closing_an_idle_gate_is_drained_at_once()
    {
        var requests = new InFlightRequests();

        requests.Close();

        Assert.True(requests.Drained.IsCompletedSuccessfully);
        Assert.True(requests.IsClosed);
    }
}
