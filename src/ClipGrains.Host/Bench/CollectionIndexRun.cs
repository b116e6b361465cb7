using System.Diagnostics;
using System.Numerics.Tensors;
using ClipGrains.Abstractions.Collections;
using ClipGrains.Grains.Collections;
using ClipGrains.Grains.Storage;
using ClipGrains.Scoring;
using Microsoft.Extensions.Options;

namespace ClipGrains.Host.Bench;

/// <summary>
/// In process, one shard's index at a given size: a seeded Gaussian mixture of unit vectors (clustered like CLIP
/// embeddings), the exact f32 answer of each query computed by brute force, and the graph with the collection defaults
/// against it: recall@10, single-query latency (graph + f32 re-rank; graph alone; exact scan), build rate, memory, a
/// restart from the SQLite store, and zero-shot tagging of stored vectors against a label matrix.
/// </summary>
internal static class CollectionIndexRun
{
    public sealed record Result(
        int Items, int Dimensions, int Queries, double Spread, double MeanClusterCosine, string Quantization, int Connectivity, int ExpansionAdd, int ExpansionSearch,
        IReadOnlyList<EfPoint> EfCurve,
        double RecallAt10, double RecallAt10GraphOnly, Percentiles SearchMs, Percentiles GraphOnlyMs, Percentiles ExactMs,
        double GraphAddsPerSecond, double GraphBuildSeconds, long VectorBytes, long GraphBytesEstimate, long ManagedBytes, long ProcessBytesGrowth,
        double StoreWriteSeconds, double StoreLoadSeconds, double SnapshotSaveSeconds, double SnapshotLoadSeconds, long SnapshotBytes, int TagLabels, int TaggedItems, double TagSeconds, double TagMicrosecondsPerItem);

    public sealed record Percentiles(double P50, double P99);

    /// <summary>Recall@10 (graph candidates re-ranked in f32) and latency at one search breadth.</summary>
    public sealed record EfPoint(int Ef, double RecallAt10, Percentiles SearchMs);

    // spread: per-dimension noise around a centre. 0.025 puts members of a cluster at cosine ~0.75 of each other, like CLIP
    // image embeddings of one class; 0.08 (cosine ~0.2) is far more diffuse than CLIP's space and much harder for a graph.
    public static Result Measure(int items, int dimensions, int queries, float spread, IReadOnlyList<int> efs, IndexSettings settings, bool restart, int tagItems, int tagLabels, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var random = new Random(20261203);
        var centres = Enumerable.Range(0, 1000).Select(_ => Unit(Gaussian(random, dimensions))).ToArray();
        float[] Sample()
        {
            var centre = centres[random.Next(centres.Length)];
            var v = Gaussian(random, dimensions);
            for (var d = 0; d < dimensions; d++)
            {
                v[d] = centre[d] + (spread * v[d]);
            }

            return Unit(v);
        }

        log.WriteLine($"generating {items:N0} vectors of {dimensions} dimensions…");
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var processBefore = Process.GetCurrentProcess().WorkingSet64;
        var index = new ShardIndex(dimensions);
        for (var i = 0; i < items; i++)
        {
            index.Upsert($"v{i:D7}", Sample(), MetadataJson.None, 0);
        }

        var managed = GC.GetTotalMemory(forceFullCollection: true) - managedBefore;
        log.WriteLine($"building the graph ({settings.Quantization}, M={settings.Connectivity}, ef_construction={settings.ExpansionAdd})…");
        using var graph = new ShardGraph(dimensions, settings);
        var build = Stopwatch.StartNew();
        for (var slot = 0; slot < index.Slots; slot++)
        {
            graph.Put(slot, index.VectorAt(slot));
            if (slot > 0 && slot % 100_000 == 0)
            {
                log.WriteLine($"  {slot:N0} added, {slot / build.Elapsed.TotalSeconds:F0}/s");
            }
        }

        var buildSeconds = build.Elapsed.TotalSeconds;
        var processGrowth = Process.GetCurrentProcess().WorkingSet64 - processBefore;

        log.WriteLine($"{queries} queries: exact answers, then the graph…");
        var queryVectors = Enumerable.Range(0, queries).Select(_ => Sample()).ToArray();
        var meanCosine = Enumerable.Range(0, 200).Select(_ =>
        {
            // Two members of one cluster.
            var centre = centres[random.Next(centres.Length)];
            float[] Near() => Unit([.. centre.Zip(Gaussian(random, dimensions), (c, n) => c + (spread * n))]);
            return (double)TensorPrimitives.Dot(Near(), Near());
        }).Average();
        var truths = new List<HashSet<string>>();
        var exactMs = new List<double>();
        var searchMs = new List<double>();
        var graphMs = new List<double>();
        double found = 0, foundGraphOnly = 0;
        foreach (var q in queryVectors)
        {
            var query = new ShardQuery(q, 10, null, null, Exact: true);
            var watch = Stopwatch.StartNew();
            var truth = index.SearchExact(query).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
            exactMs.Add(watch.Elapsed.TotalMilliseconds);
            truths.Add(truth);

            watch.Restart();
            var candidates = graph.Candidates(q, Math.Max(settings.ExpansionSearch, 40));
            var hits = index.Rank(candidates.Select(c => (int)c), query with { Exact = false });
            searchMs.Add(watch.Elapsed.TotalMilliseconds);
            found += hits.Count(h => truth.Contains(h.Id));

            watch.Restart();
            var alone = graph.Candidates(q, 10);
            graphMs.Add(watch.Elapsed.TotalMilliseconds);
            foundGraphOnly += alone.Count(c => truth.Contains(index.IdAt((int)c)!));
        }

        var curve = new List<EfPoint>();
        foreach (var ef in efs)
        {
            var times = new List<double>();
            double hitsFound = 0;
            for (var q = 0; q < queryVectors.Length; q++)
            {
                var watch = Stopwatch.StartNew();
                var candidates = graph.Candidates(queryVectors[q], Math.Max(ef, 40));
                var hits = index.Rank(candidates.Select(c => (int)c), new ShardQuery(queryVectors[q], 10, null, null, Exact: false));
                times.Add(watch.Elapsed.TotalMilliseconds);
                hitsFound += hits.Count(h => truths[q].Contains(h.Id));
            }

            curve.Add(new EfPoint(ef, hitsFound / (queries * 10.0), Of(times)));
        }

        double storeWrite = 0, storeLoad = 0, snapshotSave = 0, snapshotLoad = 0;
        long snapshotBytes = 0;
        if (restart)
        {
            (storeWrite, storeLoad) = MeasureRestart(index, log);
            var file = Path.Combine(Path.GetTempPath(), $"clipgrains-bench-{Guid.NewGuid():N}.usearch");
            try
            {
                var watch = Stopwatch.StartNew();
                graph.Save(file);
                snapshotSave = watch.Elapsed.TotalSeconds;
                snapshotBytes = new FileInfo(file).Length;
                watch.Restart();
                using var loaded = ShardGraph.Load(file, settings);
                snapshotLoad = watch.Elapsed.TotalSeconds;
            }
            finally
            {
                File.Delete(file);
            }
        }

        var tagged = Math.Min(tagItems, items);
        var labels = new LabelEmbeddings(
            [.. Enumerable.Range(0, tagLabels).Select(l => $"label {l}")],
            [.. Enumerable.Range(0, tagLabels).SelectMany(_ => Unit(Gaussian(random, dimensions)))],
            dimensions);
        log.WriteLine($"tagging {tagged:N0} stored vectors against {tagLabels} labels…");
        var tag = Stopwatch.StartNew();
        for (var slot = 0; slot < tagged; slot++)
        {
            _ = ZeroShot.ClassifyStored(index.VectorAt(slot), labels, 100, 5);
        }

        var tagSeconds = tag.Elapsed.TotalSeconds;
        return new Result(
            items, dimensions, queries, spread, Math.Round(meanCosine, 3), settings.Quantization, settings.Connectivity, settings.ExpansionAdd, settings.ExpansionSearch, curve,
            found / (queries * 10.0), foundGraphOnly / (queries * 10.0), Of(searchMs), Of(graphMs), Of(exactMs),
            items / buildSeconds, buildSeconds, (long)items * dimensions * sizeof(float), graph.MemoryBytes, managed, processGrowth,
            storeWrite, storeLoad, snapshotSave, snapshotLoad, snapshotBytes, tagLabels, tagged, tagSeconds, tagSeconds * 1e6 / Math.Max(1, tagged));
    }

    // Writes the shard's rows to a fresh SQLite file as the shard grain would (4,096 a transaction), then reads them back
    // in the grain's load pages into a new index: what a shard's activation costs before its graph is built.
    private static (double Write, double Load) MeasureRestart(ShardIndex index, TextWriter log)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"clipgrains-bench-{Guid.NewGuid():N}");
        var path = Path.Combine(folder, "collections.db");
        try
        {
            using var database = new SqliteDatabase(Options.Create(new SqliteGrainStorageOptions { DatabasePath = path }));
            var store = new SqliteCollectionStore(database);
            var at = DateTimeOffset.UtcNow;
            var watch = Stopwatch.StartNew();
            var rows = new List<ShardRow>(4096);
            long sequence = 0;
            for (var slot = 0; slot < index.Slots; slot++)
            {
                rows.Add(new ShardRow(index.IdAt(slot)!, ++sequence, index.VectorAt(slot).ToArray(), "{}"u8.ToArray(), null, 0, at));
                if (rows.Count == 4096 || slot == index.Slots - 1)
                {
                    store.WriteAsync("col_bench", 0, rows).GetAwaiter().GetResult();
                    rows.Clear();
                }
            }

            var write = watch.Elapsed.TotalSeconds;
            log.WriteLine($"restart: loading {index.Count:N0} rows back from SQLite…");
            watch.Restart();
            var loaded = new ShardIndex(index.Dimensions);
            long after = 0;
            while (true)
            {
                var page = store.ReadShardAsync("col_bench", 0, after, 4096).GetAwaiter().GetResult();
                foreach (var row in page)
                {
                    loaded.Upsert(row.Id, row.Vector, MetadataJson.Read(row.Metadata), row.Bytes);
                    after = row.Sequence;
                }

                if (page.Count < 4096)
                {
                    break;
                }
            }

            return (write, watch.Elapsed.TotalSeconds);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static Percentiles Of(List<double> values)
    {
        values.Sort();
        return new Percentiles(Math.Round(values[values.Count / 2], 3), Math.Round(values[Math.Min(values.Count - 1, (int)(values.Count * 0.99))], 3));
    }

    private static float[] Gaussian(Random random, int dimensions)
    {
        var v = new float[dimensions];
        for (var d = 0; d < dimensions; d++)
        {
            v[d] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return v;
    }

    private static float[] Unit(float[] v)
    {
        var norm = MathF.Sqrt(TensorPrimitives.Dot(v, v));
        TensorPrimitives.Divide(v, norm, v);
        return v;
    }
}
