using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ClipGrains.Host.Bench;

/// <summary>
/// Against a running server: a collection filled through HTTP with precomputed embeddings (seeded, clustered unit
/// vectors, batches of 100, a few clients), the wait for its shards' graphs, then lone searches by embedding and by text.
/// </summary>
internal static class CollectionHttpRun
{
    public sealed record Result(
        int Items, int Dimensions, int Clients, double InsertSeconds, double ItemsPerSecond, double GraphWaitSeconds, IReadOnlyList<string> ShardKinds,
        long IndexBytes, CollectionIndexRun.Percentiles EmbeddingSearchMs, CollectionIndexRun.Percentiles TextSearchMs, CollectionIndexRun.Percentiles ExactSearchMs);

    public static async Task<Result> MeasureAsync(HttpClient http, Uri server, string key, string name, int items, int dimensions, int clients, int queries, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(log);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var v1 = new Uri(server, "/v1/");
        using (var created = await http.PostAsJsonAsync(new Uri(v1, "collections"), new { name }, cancellationToken))
        {
            created.EnsureSuccessStatusCode();
        }

        var random = new Random(7);
        var centres = Enumerable.Range(0, 1000).Select(_ => Gaussian(random, dimensions)).ToArray();
        float[] Sample()
        {
            var centre = centres[random.Next(centres.Length)];
            var v = Gaussian(random, dimensions);
            return [.. centre.Zip(v, (c, n) => c + (0.08f * n))];
        }

        var batches = Enumerable.Range(0, items / 100).Select(b => Enumerable.Range(b * 100, 100).Select(i => new { id = $"v{i:D7}", embedding = Sample(), metadata = new { group = $"g{i % 10}" } }).ToArray()).ToList();
        log.WriteLine($"inserting {items:N0} items in {batches.Count} batches of 100 with {clients} clients…");
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var b = Interlocked.Increment(ref next); b < batches.Count; b = Interlocked.Increment(ref next))
            {
                using var response = await http.PostAsJsonAsync(new Uri(v1, $"collections/{name}/items"), new { items = batches[b] }, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
        }));
        var insertSeconds = watch.Elapsed.TotalSeconds;

        // A benchmark may poll: the graphs build in the background and searches scan exactly until they are ready.
        log.WriteLine("waiting for the shards' graphs…");
        watch.Restart();
        JsonElement info;
        while (true)
        {
            info = await http.GetFromJsonAsync<JsonElement>(new Uri(v1, $"collections/{name}?include=index"), cancellationToken);
            var kinds = info.GetProperty("shard_indexes").EnumerateArray().Select(s => s.GetProperty("kind").GetString()).ToList();
            if (kinds.All(k => k != "building") || watch.Elapsed > TimeSpan.FromMinutes(30))
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        var graphWait = watch.Elapsed.TotalSeconds;
        var shardKinds = info.GetProperty("shard_indexes").EnumerateArray().Select(s => s.GetProperty("kind").GetString()!).ToList();
        var indexBytes = info.GetProperty("shard_indexes").EnumerateArray().Sum(s => s.GetProperty("index_bytes").GetInt64());

        async Task<CollectionIndexRun.Percentiles> TimeAsync(Func<int, object> body, int count)
        {
            var times = new List<double>();
            for (var q = 0; q < count + 5; q++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync(new Uri(v1, $"collections/{name}/search"), body(q), cancellationToken);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (q >= 5)
                {
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            times.Sort();
            return new CollectionIndexRun.Percentiles(Math.Round(times[times.Count / 2], 3), Math.Round(times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))], 3));
        }

        log.WriteLine($"{queries} searches by embedding, by text, and exact…");
        var embedding = await TimeAsync(_ => new { query = new { embedding = Sample() }, top_k = 10 }, queries);
        var text = await TimeAsync(q => new { query = new { text = $"a photo of thing number {q}" }, top_k = 10 }, Math.Max(20, queries / 4));
        var exact = await TimeAsync(_ => new { query = new { embedding = Sample() }, top_k = 10, exact = true }, Math.Max(20, queries / 4));
        return new Result(items, dimensions, clients, insertSeconds, items / insertSeconds, graphWait, shardKinds, indexBytes, embedding, text, exact);
    }

    private static float[] Gaussian(Random random, int dimensions) =>
        [.. Enumerable.Range(0, dimensions).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];
}
