using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ClipGrains.Host.Bench;

/// <summary>
/// Drives <c>POST /v1/classifications</c> with N concurrent clients for a fixed time (bounded in count and
/// time, loopback or the user's own server) and records every request's latency and status.
/// </summary>
internal sealed class LoadGenerator(HttpClient http, string body, int imagesPerRequest, string? apiKey)
{
    public static string ClassificationBody(byte[] image, int images, IReadOnlyList<string>? labels, string? labelSet)
    {
        var uri = "data:image/jpeg;base64," + Convert.ToBase64String(image);
        object request = labelSet is not null
            ? new { model = "clip-vit-base-patch32", input = Enumerable.Repeat(uri, images), label_set = labelSet, top_k = 5 }
            : new { model = "clip-vit-base-patch32", input = Enumerable.Repeat(uri, images), labels, top_k = 5 };
        return JsonSerializer.Serialize(request);
    }

    public async Task<LoadResult> RunAsync(int concurrency, TimeSpan duration, int maxRequests, IProgress<(int Done, double Elapsed)>? progress, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var statuses = new Dictionary<int, int>();
        var started = Stopwatch.StartNew();
        var issued = 0;
        async Task Worker()
        {
            while (started.Elapsed < duration && Interlocked.Increment(ref issued) <= maxRequests && !cancellationToken.IsCancellationRequested)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classifications") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (apiKey is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
                }

                var watch = Stopwatch.StartNew();
                int status;
                try
                {
                    using var response = await http.SendAsync(request, cancellationToken);
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }

                var ms = watch.Elapsed.TotalMilliseconds;
                lock (latencies)
                {
                    if (status == 200)
                    {
                        latencies.Add(ms);
                    }

                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    progress?.Report((statuses.Values.Sum(), started.Elapsed.TotalSeconds));
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, cancellationToken)));
        var seconds = started.Elapsed.TotalSeconds;
        var ok = latencies.Count;
        return new LoadResult(
            concurrency, seconds, statuses.Values.Sum(), statuses.Values.Sum() - ok, imagesPerRequest,
            ok * imagesPerRequest / seconds, LatencySummary.Of(latencies), statuses);
    }
}
