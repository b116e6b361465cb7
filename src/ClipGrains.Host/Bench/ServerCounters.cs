using System.Globalization;

namespace ClipGrains.Host.Bench;

/// <summary>
/// The servers' own counters, read from each gateway's Prometheus endpoint in one scrape and summed over the gateways:
/// CPU time (<c>dotnet_process_cpu_time_seconds_total</c>, user + system, every thread of the process) and bytes allocated
/// on the managed heap (<c>dotnet_gc_heap_total_allocated_bytes_total</c>) — what a run cost the server, without the load
/// generator's share.
/// </summary>
internal sealed class ServerCounters(HttpClient http, IReadOnlyList<Uri> gateways, string path = "/metrics")
{
    private const string CpuMetric = "dotnet_process_cpu_time_seconds_total";
    private const string AllocatedMetric = "dotnet_gc_heap_total_allocated_bytes_total";

    // The exporter caches a scrape for 300 ms by default: a read waits that out so it sees the run that just ended.
    private static readonly TimeSpan ScrapeCache = TimeSpan.FromMilliseconds(400);

    /// <summary>The counters now; a figure is null when a gateway does not publish it (or cannot be reached).</summary>
    public async Task<Sample> ReadAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(ScrapeCache, cancellationToken);
        double? cpu = 0, allocated = 0;
        foreach (var gateway in gateways.Distinct())
        {
            string text;
            try
            {
                text = await http.GetStringAsync(new Uri(gateway, path), cancellationToken);
            }
            catch (HttpRequestException)
            {
                return new Sample(null, null);
            }

            cpu += Value(text, CpuMetric);
            allocated += Value(text, AllocatedMetric);
        }

        return new Sample(cpu, allocated);
    }

    // The metric's value (the sum of its series), or null when the scrape lacks it.
    internal static double? Value(string scrape, string metric)
    {
        double? total = null;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is '{' or ' '
                && line.LastIndexOf(' ') is > 0 and var space
                && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                total = (total ?? 0) + value;
            }
        }

        return total;
    }

    /// <summary>CPU seconds and allocated bytes, summed over the gateways.</summary>
    public sealed record Sample(double? CpuSeconds, double? AllocatedBytes)
    {
        public static Sample operator -(Sample after, Sample before) => new(after.CpuSeconds - before.CpuSeconds, after.AllocatedBytes - before.AllocatedBytes);
    }
}
