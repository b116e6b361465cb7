using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ClipGrains.Host.Bench;

/// <summary>
/// Drives <c>POST /v1/classifications</c> with N concurrent clients for a fixed time (bounded in count and
/// time, loopback or the user's own server) and records every request's latency and status. With several
/// gateways (silos of one cluster) requests go round-robin over them, as a load balancer would send them.
/// </summary>
internal sealed class LoadGenerator(HttpClient http, IReadOnlyList<Uri> gateways, string body, int imagesPerRequest, string? apiKey)
{
    /// <summary>Marks where each request's own suffix goes (see <see cref="ClassificationBody"/>).</summary>
    private const string UniqueMarker = "UNIQUESUFFIX";

    /// <summary>
    /// The request body. Unless <paramref name="repeat"/>, every request's images get 9 extra bytes after the end
    /// of the file (decoders ignore them; the pixels are unchanged), so no request is served from the silo's
    /// image-embedding cache and the run measures real inference. The image is padded to a multiple of 3 bytes so
    /// the suffix's base64 can be spliced in without re-encoding the image.
    /// </summary>
    public static string ClassificationBody(byte[] image, int images, IReadOnlyList<string>? labels, string? labelSet, bool repeat = false, int templates = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        var padded = new byte[(image.Length + 2) / 3 * 3];
        image.CopyTo(padded, 0);
        var uri = "data:image/jpeg;base64," + Convert.ToBase64String(padded) + (repeat ? "" : UniqueMarker);
        object request = labelSet is not null
            ? new { model = "clip-vit-base-patch32", input = Enumerable.Repeat(uri, images), label_set = labelSet, top_k = 5 }
            : templates > 1
                ? new { model = "clip-vit-base-patch32", input = Enumerable.Repeat(uri, images), labels, templates = Enumerable.Range(0, templates).Select(t => $"photo {t} of a {{}}."), top_k = 5 }
                : new { model = "clip-vit-base-patch32", input = Enumerable.Repeat(uri, images), labels, top_k = 5 };
        return JsonSerializer.Serialize(request);
    }

    public async Task<LoadResult> RunAsync(int concurrency, TimeSpan duration, int maxRequests, IProgress<(int Done, double Elapsed)>? progress, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var statuses = new Dictionary<int, int>();
        var started = Stopwatch.StartNew();
        var issued = 0;

        // Suffixes differ between runs too, or a second run would hit what the first one cached.
        var salt = Random.Shared.NextInt64();
        async Task Worker()
        {
            int n;
            while (started.Elapsed < duration && (n = Interlocked.Increment(ref issued)) <= maxRequests && !cancellationToken.IsCancellationRequested)
            {
                var (status, ms) = await SendAsync(n, salt, cancellationToken);
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

    /// <summary>
    /// Sends request number <paramref name="n"/> (its images made unique by <paramref name="salt"/> + n unless the body
    /// repeats them) and returns its status (0: no response) and latency in milliseconds.
    /// </summary>
    public async Task<(int Status, double Milliseconds)> SendAsync(int n, long salt, CancellationToken cancellationToken)
    {
        var target = new Uri(gateways[n % gateways.Count], "/v1/classifications");
        var unique = Convert.ToBase64String([.. BitConverter.GetBytes(salt + n), 0]);
        var content = body.Replace(UniqueMarker, unique, StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(content, Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return ((int)response.StatusCode, watch.Elapsed.TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            return (0, watch.Elapsed.TotalMilliseconds);
        }
    }
}
