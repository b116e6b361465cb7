using System.Globalization;

namespace ClipGrains.Host.Bench;

/// <summary>
/// The servers' own CPU time, read from each gateway's Prometheus endpoint (<c>dotnet_process_cpu_time_seconds_total</c>,
/// user + system, every thread of the process): the CPU a run cost the server, without the load generator's.
/// </summary>
internal sealed class ServerCpu(HttpClient http, IReadOnlyList<Uri> gateways, string path = "/metrics")
{
    private const string Metric = "dotnet_process_cpu_time_seconds_total";

    // The exporter caches a scrape for 300 ms by default: a read waits that out so it sees the run that just ended.
    private static readonly TimeSpan ScrapeCache = TimeSpan.FromMilliseconds(400);

    /// <summary>Seconds of CPU summed over the gateways' processes, or null when one does not publish the metric.</summary>
    public async Task<double?> ReadAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(ScrapeCache, cancellationToken);
        var total = 0.0;
        foreach (var gateway in gateways.Distinct())
        {
            string text;
            try
            {
                text = await http.GetStringAsync(new Uri(gateway, path), cancellationToken);
            }
            catch (HttpRequestException)
            {
                return null;
            }

            var found = false;
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith(Metric, StringComparison.Ordinal) && line.LastIndexOf(' ') is > 0 and var space
                    && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    total += seconds;
                    found = true;
                }
            }

            if (!found)
            {
                return null;
            }
        }

        return total;
    }
}
