using ClipGrains.Gateway.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tests.Hosting;

public sealed class GracefulDrainServiceTests
{
    [Fact]
    public async Task Stopping_closes_the_gate_and_returns_only_after_admitted_requests_end()
    {
        var requests = new InFlightRequests();
        Assert.True(requests.TryEnter());
        var service = new GracefulDrainService(requests, Options.Create(new GatewayOptions()), TimeProvider.System, NullLogger<GracefulDrainService>.Instance);

        var stopping = service.StoppingAsync(CancellationToken.None);

        Assert.True(requests.IsClosed);
        Assert.False(stopping.IsCompleted);
        requests.Exit();
        await stopping;
    }

    [Fact]
    public async Task The_shutdown_timeout_ends_the_wait_without_throwing()
    {
        var requests = new InFlightRequests();
        Assert.True(requests.TryEnter());
        var service = new GracefulDrainService(requests, Options.Create(new GatewayOptions()), TimeProvider.System, NullLogger<GracefulDrainService>.Instance);
        using var timeout = new CancellationTokenSource();

        var stopping = service.StoppingAsync(timeout.Token);
        await timeout.CancelAsync();
        await stopping;

        Assert.Equal(1, requests.Count);
    }
}
