using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ClipGrains.Host.Bench;

/// <summary>
/// A model's cold start on a running server (issue 13's figures): the first request to a model nobody holds, the
/// server's resident memory before the load, after it and after the idle unload, a second cold start (from the
/// optimised-graph cache), and a warm model's latency alone and while the cold one loads. The server must list both
/// models, keep the warm one loaded and unload the cold one after a short idle timeout.
/// </summary>
internal static class ColdStartRun
{
    public sealed record Result(
        double FirstColdRequestMs, double SecondColdRequestMs, long RssBeforeBytes, long RssAfterLoadBytes, long RssAfterUnloadBytes, double UnloadSeconds,
        LatencySummary WarmAlone, LatencySummary WarmDuringLoad, int WarmRequestsDuringLoad);

    public static async Task<Result> MeasureAsync(
        HttpClient http, Uri gateway, string apiKey, int processId, string cold, string warm, TimeSpan baseline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var counter = 0;
        async Task<double> EmbedAsync(string model)
        {
            // Distinct prompts: the silo's prompt cache must not answer.
            var body = JsonContent.Create(new { model, input = $"a photo of thing {Interlocked.Increment(ref counter)} {Guid.NewGuid():N}" });
            var watch = Stopwatch.StartNew();
            using var response = await http.PostAsync(new Uri(gateway, "/v1/embeddings"), body, cancellationToken);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{model}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            return elapsed;
        }

        await WaitForCopiesAsync(http, gateway, cold, 0, TimeSpan.FromMinutes(3), cancellationToken);
        for (var i = 0; i < 3; i++)
        {
            await EmbedAsync(warm);
        }

        var alone = await LoopAsync(() => EmbedAsync(warm), baseline, null, cancellationToken);
        var before = BigBodyRun.Rss(processId);

        using var loading = new CancellationTokenSource();
        var during = LoopAsync(() => EmbedAsync(warm), TimeSpan.FromMinutes(5), loading.Token, cancellationToken);
        var first = await EmbedAsync(cold);
        await loading.CancelAsync();
        var duringLoad = await during;
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var afterLoad = BigBodyRun.Rss(processId);

        var unloading = Stopwatch.StartNew();
        await WaitForCopiesAsync(http, gateway, cold, 0, TimeSpan.FromMinutes(5), cancellationToken);
        var unloadSeconds = unloading.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var afterUnload = BigBodyRun.Rss(processId);
        var second = await EmbedAsync(cold);
        return new Result(first, second, before, afterLoad, afterUnload, unloadSeconds, LatencySummary.Of(alone), LatencySummary.Of(duringLoad), duringLoad.Count);
    }

    // Sequential requests until the duration passes or `stop` fires; their latencies.
    private static async Task<List<double>> LoopAsync(Func<Task<double>> request, TimeSpan duration, CancellationToken? stop, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration && stop?.IsCancellationRequested != true && !cancellationToken.IsCancellationRequested)
        {
            latencies.Add(await request());
        }

        return latencies;
    }

    private static async Task WaitForCopiesAsync(HttpClient http, Uri gateway, string model, int copies, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(gateway, "/v1/models"), cancellationToken));
            var entry = document.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == model);
            if (entry.GetProperty("copies_loaded").GetInt32() == copies && entry.GetProperty("copies_loading").GetInt32() == 0)
            {
                return;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"{model} still has {entry.GetProperty("copies_loaded").GetInt32()} copies after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(250, cancellationToken);
        }
    }
}
