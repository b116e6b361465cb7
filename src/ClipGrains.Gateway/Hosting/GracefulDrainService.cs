using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Hosting;

/// <summary>
/// First step of a graceful stop, run in the host's "stopping" phase, before any hosted service (Kestrel, the
/// Orleans silo) is stopped: closes the request gate (readiness turns 503 and new API calls get a 503 with
/// Retry-After, so load balancers and clients move to other silos), waits
/// <see cref="GatewayOptions.ShutdownDelay"/> for load balancers to notice, then waits for the requests already
/// admitted to finish while the silo is still a full member. Only then do Kestrel and the silo stop (the silo
/// leaves the cluster as Dead) and the model host drains its batching queues as it is disposed. The whole wait is
/// bounded by the host's shutdown timeout (<c>HostOptions.ShutdownTimeout</c>).
/// </summary>
internal sealed partial class GracefulDrainService(InFlightRequests requests, IOptions<GatewayOptions> options, TimeProvider time, ILogger<GracefulDrainService> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        requests.Close();
        LogDraining(logger, requests.Count);
        try
        {
            if (options.Value.ShutdownDelay > TimeSpan.Zero)
            {
                await Task.Delay(options.Value.ShutdownDelay, time, cancellationToken);
            }

            await requests.Drained.WaitAsync(cancellationToken);
            LogDrained(logger);
        }
        catch (OperationCanceledException)
        {
            LogAbandoned(logger, requests.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Stopping: refusing new requests, waiting for {Count} in flight")]
    private static partial void LogDraining(ILogger logger, int count);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Stopping: every admitted request finished")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Stopping: shutdown timeout reached with {Count} requests still in flight")]
    private static partial void LogAbandoned(ILogger logger, int count);
}
