using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Hosting;

/// <summary>
/// Gives memory back after a burst: request bodies are large and short-lived (hundreds of megabytes of JSON documents,
/// multipart buffers and decoded images), and after a burst the garbage collector keeps the heap it grew — a flood of
/// refused multipart requests left 2.5 GB resident. Once the server has been idle for a whole check interval after
/// serving requests, and the managed heap holds more than <see cref="GatewayOptions.TrimAboveBytes"/>, one aggressive,
/// compacting collection returns the free part to the system. Never while a request runs; once per burst.
/// </summary>
internal sealed class IdleMemoryTrimmer(
    InFlightRequests requests, IOptions<GatewayOptions> options, TimeProvider time, Func<long>? committed = null, Action? collect = null) : BackgroundService
{
    private readonly Func<long> _committed = committed ?? (() => GC.GetGCMemoryInfo().TotalCommittedBytes);
    private readonly Action _collect = collect ?? Collect;
    private long _seen = -1;
    private long _trimmedAt;

    /// <summary>One check: trims when the server was used since the last trim and has been idle since the last check.</summary>
    public void Check()
    {
        var served = requests.Served;
        var idle = requests.Count == 0 && served == _seen;
        _seen = served;
        if (idle && served != _trimmedAt && _committed() > options.Value.TrimAboveBytes)
        {
            _trimmedAt = served;
            _collect();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TrimCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static void Collect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
