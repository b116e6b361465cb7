using Microsoft.Extensions.Hosting;

namespace ClipGrains.Gateway.Hosting;

/// <summary>
/// First step of a graceful stop. Registered after the Orleans silo, so the host stops it before the silo: it
/// closes the request gate (new requests get a 503 and readiness turns false so load balancers move away), then
/// waits for the requests already admitted to finish while the silo is still a full member. Only then does the
/// silo leave the cluster, and the model host drains its batching queues as it is disposed. The wait is bounded
/// by the host's shutdown timeout (<c>HostOptions.ShutdownTimeout</c>).
/// </summary>
internal sealed partial class GracefulDrainService(InFlightRequests requests, ILogger<GracefulDrainService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        requests.Close();
        LogDraining(logger, requests.Count);
        try
        {
            await requests.Drained.WaitAsync(cancellationToken);
            LogDrained(logger);
        }
        catch (OperationCanceledException)
        {
            LogAbandoned(logger, requests.Count);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Stopping: refusing new requests, waiting for {Count} in flight")]
    private static partial void LogDraining(ILogger logger, int count);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Stopping: every admitted request finished")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Stopping: shutdown timeout reached with {Count} requests still in flight")]
    private static partial void LogAbandoned(ILogger logger, int count);
}
