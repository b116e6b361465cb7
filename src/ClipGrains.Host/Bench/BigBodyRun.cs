using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace ClipGrains.Host.Bench;

/// <summary>
/// Memory under huge JSON bodies: N concurrent <c>{"input":[1,1,…]}</c> bodies of millions of items sent to
/// <c>/v1/embeddings</c>, with the server's resident memory (from <c>/proc/PID/status</c>) sampled before, during and
/// after. The body is within the route's size limit, so only the item bound protects the server.
/// </summary>
internal static class BigBodyRun
{
    public sealed record Result(int Bodies, long BodyBytes, long RssBeforeBytes, long RssPeakBytes, long RssAfterBytes, IReadOnlyDictionary<int, int> Statuses, double Seconds);

    public static byte[] Body(int items)
    {
        var builder = new StringBuilder(items * 2 + 16).Append("{\"input\":[");
        for (var i = 0; i < items; i++)
        {
            builder.Append(i == 0 ? "1" : ",1");
        }

        return Encoding.ASCII.GetBytes(builder.Append("]}").ToString());
    }

    public static async Task<Result> MeasureAsync(HttpClient http, Uri gateway, string? apiKey, int processId, int concurrency, int items, TimeSpan settle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var body = Body(items);
        var before = Rss(processId);
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss(processId));
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);

        var watch = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/v1/embeddings")) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (apiKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }

            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                return (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return 0;
            }
        }));
        var seconds = watch.Elapsed.TotalSeconds;

        // Settled memory: what the server kept after the requests ended (a full GC runs on its own schedule).
        await Task.Delay(settle, cancellationToken);
        await sampling.CancelAsync();
        await sampler;
        return new Result(concurrency, body.Length, before, peak, Rss(processId), statuses.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count()), seconds);
    }

    /// <summary>Resident set size of <paramref name="processId"/> in bytes (Linux), 0 when unreadable.</summary>
    public static long Rss(int processId)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
