using ClipGrains.Abstractions.Collections;
using Microsoft.Extensions.Logging;

namespace ClipGrains.Grains.Collections;

/// <summary>
/// One shard of a collection: its items' index, rebuilt from the store on activation (the store is the truth), and the
/// single writer of its rows — a write is durable in the store before the index shows it, and the index shows it before
/// the call returns, so a search that starts after an acknowledged write finds it on any gateway.
/// </summary>
/// <remarks>
/// Vectors stay in memory in f32 (<see cref="ShardIndex"/>): exact scans, filtered fallbacks, re-ranking and tagging
/// read them. Past the collection's flat limit an HNSW graph (<see cref="ShardGraph"/>) is built in the background,
/// a chunk of slots per hold of its write lock; searches scan exactly until it covers every slot, then walk it and
/// re-rank its candidates in f32. While a graph exists every change to the index is made under its write lock, so the
/// builder never reads a vector being written.
/// </remarks>
internal sealed partial class CollectionShardGrain(
    ICollectionStore store, NativeSearchSlots slots, ShardSnapshots snapshots, Microsoft.Extensions.Options.IOptions<CollectionOptions> options, TimeProvider time,
    ShardGauges gauges, Abstractions.Telemetry.ClipGrainsTelemetry telemetry, ILogger<CollectionShardGrain> logger) : Grain, ICollectionShardGrain
{
    // Rows read per store round trip while loading: large enough to amortise the query, small enough to stream.
    private const int LoadPage = 4096;

    // Slots the builder adds per hold of the write lock: about 0.05-0.1 s of adds at 512 dimensions, so a write waits at most that.
    private const int BuildChunk = 128;

    // Graph candidates re-ranked in f32 per hit wanted: i8 alone gives recall@10 ~0.90-0.95, re-ranking 4k candidates ~1.0 (docs/collections.md).
    private const int CandidatesPerHit = 4;

    private string _uid = string.Empty;
    private int _shard;
    private long _lastSequence;
    private ShardIndex? _index;
    private ShardGraph? _graph;
    private Task? _building;
    private Task? _saving;
    private readonly Lock _saveLock = new();
    private long _changesSinceSnapshot;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_uid, _shard) = CollectionKey.ParseShard(this.GetPrimaryKeyString());
        var started = time.GetTimestamp();
        var snapshot = snapshots.TryRead(_uid, _shard);
        var reserved = new HashSet<string>(StringComparer.Ordinal);
        var touched = new HashSet<int>();
        if (snapshot is not null)
        {
            // The snapshot's graph keys are slots: its ids go back to the same slots before the rows fill the vectors in.
            _index = new ShardIndex(snapshot.Dimensions);
            _index.Restore(snapshot.SlotIds);
            reserved.UnionWith(snapshot.SlotIds.OfType<string>());
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var from = _lastSequence;
            var rows = await Task.Run(() => store.ReadShardAsync(_uid, _shard, from, LoadPage, cancellationToken), cancellationToken);
            foreach (var row in rows)
            {
                // A row written after the snapshot, or one it does not know, changes the graph: its slots before and after.
                var changes = snapshot is not null && (row.Sequence > snapshot.Sequence || !reserved.Contains(row.Id));
                if (changes && _index!.SlotOf(row.Id) is >= 0 and var before)
                {
                    touched.Add(before);
                }

                Load(row);
                if (!row.Deleted)
                {
                    seen.Add(row.Id);
                }

                if (changes && _index!.SlotOf(row.Id) is >= 0 and var after)
                {
                    touched.Add(after);
                }
            }

            if (rows.Count < LoadPage)
            {
                break;
            }
        }

        if (snapshot is not null)
        {
            RestoreGraph(snapshot, reserved, seen, touched);
        }

        var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
        LogLoaded(_shard, _uid, _index?.Count ?? 0, elapsed);
        Report();
    }

    private void Report()
    {
        var stats = Stats();
        gauges.Report(this.GetPrimaryKeyString(), stats.Items, stats.IndexBytes, stats.Kind);
    }

    // The saved graph, brought up to the store: ids it knew that the store no longer has are removed, and every slot
    // written since it was saved is put again (or removed). An unreadable graph is deleted and built again instead.
    private void RestoreGraph(ShardSnapshots.Snapshot snapshot, HashSet<string> reserved, HashSet<string> seen, HashSet<int> touched)
    {
        var index = _index!;
        foreach (var gone in reserved.Where(id => !seen.Contains(id)))
        {
            if (index.Remove(gone) is >= 0 and var slot)
            {
                touched.Add(slot);
            }
        }

        ShardGraph? graph = null;
        try
        {
            graph = ShardGraph.Load(snapshot.GraphPath, snapshot.Settings);
            foreach (var slot in touched)
            {
                if (index.IdAt(slot) is not null)
                {
                    graph.Put(slot, index.VectorAt(slot));
                }
                else if (graph.Contains(slot))
                {
                    graph.Remove(slot);
                }
            }

            _graph = graph;
            _changesSinceSnapshot = touched.Count;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or Cloud.Unum.USearch.USearchException)
        {
            graph?.Dispose();
            LogSnapshotUnusable(_shard, _uid, e.Message);
            snapshots.Delete(_uid, _shard);
        }
    }

    // Saves the graph with the sequence and slots it covers, holding its lock for reading: no write changes either meanwhile.
    // One save at a time (the builder's, a periodic one, the deactivation's); a failed save (a full disk) is logged and
    // leaves the previous snapshot: snapshots only save replay time, the store stays the truth.
    private void SaveSnapshot(ShardGraph graph, ShardIndex index)
    {
        lock (_saveLock)
        {
            graph.Gate.EnterReadLock();
            try
            {
                if (graph.Ready && !graph.Stopping)
                {
                    snapshots.Write(_uid, _shard, _lastSequence, index.Dimensions, graph.Settings, index.SlotIds(), graph.Save);
                    Interlocked.Exchange(ref _changesSinceSnapshot, 0);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Cloud.Unum.USearch.USearchException)
            {
                LogSnapshotFailed(_shard, _uid, e.Message);
            }
            finally
            {
                graph.Gate.ExitReadLock();
            }
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_saving is { } saving)
        {
            await saving;
        }

        if (_graph is { Ready: true } graph && _index is { } index && Interlocked.Read(ref _changesSinceSnapshot) > 0 && snapshots.Enabled)
        {
            await Task.Run(() => SaveSnapshot(graph, index), CancellationToken.None);
        }

        await StopGraphAsync();
        gauges.Remove(this.GetPrimaryKeyString());
    }

    public Task<IReadOnlyDictionary<string, long>> Sizes(IReadOnlyList<string> ids)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (_index?.BytesOf(id) is { } bytes)
            {
                sizes[id] = bytes;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, long>>(sizes);
    }

    public async Task<ShardChange> Apply(IReadOnlyList<CollectionItem> upserts, IReadOnlyList<string> deletes, IndexSettings index)
    {
        var now = time.GetUtcNow();
        var sequence = _lastSequence;
        var rows = new List<ShardRow>(upserts.Count + deletes.Count);
        var results = new List<ItemResult>(upserts.Count + deletes.Count);
        long items = 0, bytes = 0;
        foreach (var item in upserts)
        {
            var old = _index?.BytesOf(item.Id);
            var stored = item.StoredBytes;
            rows.Add(new ShardRow(item.Id, ++sequence, item.Vector, MetadataJson.Write(item.Metadata), item.Thumbnail, stored, now));
            results.Add(new ItemResult(item.Id, old is null ? "created" : "updated"));
            items += old is null ? 1 : 0;
            bytes += stored - (old ?? 0);
        }

        foreach (var id in deletes)
        {
            if (_index?.BytesOf(id) is not { } old)
            {
                results.Add(new ItemResult(id, "not_found", "item_not_found", $"There is no item '{id}'."));
                continue;
            }

            rows.Add(new ShardRow(id, ++sequence, null, [], null, 0, now));
            results.Add(new ItemResult(id, "deleted"));
            items--;
            bytes -= old;
        }

        if (rows.Count > 0)
        {
            // Durable first: an index that showed a write the store then lost would answer with an item that is gone. On the
            // thread pool: SQLite's async calls run synchronously and wait for its one writer (turns of 1-3 s measured).
            await Task.Run(() => store.WriteAsync(_uid, _shard, rows));
            // While a graph exists its lock may be held by the builder: wait for it on the thread pool, not on the silo's
            // scheduler (a measured 1-3.7 s turn otherwise). The grain still runs nothing else meanwhile: Apply does not interleave.
            try
            {
                if (_graph is null)
                {
                    rows.ForEach(Load);
                }
                else
                {
                    await Task.Run(() => rows.ForEach(Load));
                }
            }
            catch
            {
                // The store has rows the index may not: this activation goes, the next loads the truth from the store.
                DeactivateOnIdle();
                throw;
            }

            await KeepGraphAsync(index, rebuild: true);
            if (Interlocked.Add(ref _changesSinceSnapshot, rows.Count) >= options.Value.SnapshotEvery && snapshots.Enabled
                && _graph is { Ready: true } graph && _saving is not { IsCompleted: false })
            {
                var shard = _index!;
                _saving = Task.Run(() => SaveSnapshot(graph, shard));
            }

            Report();
        }

        return new ShardChange(results, items, bytes);
    }

    public Task<IReadOnlyList<string>> Matching(ItemFilter filter, int limit, IndexSettings index) =>
        Task.FromResult<IReadOnlyList<string>>(_index?.Matching(filter, limit) ?? []);

    public async Task<ShardHits> Search(ShardQuery query, IndexSettings index)
    {
        if (_index is not { } shard)
        {
            return new ShardHits([], Exact: true);
        }

        if (query.Vector.Length != shard.Dimensions)
        {
            throw new ArgumentException($"The query has {query.Vector.Length} dimensions; the collection's vectors have {shard.Dimensions}.", nameof(query));
        }

        // The activation's first search after a restart builds the graph the settings call for (rebuilds wait for a write:
        // other searches may be walking the graph now).
        await KeepGraphAsync(index, rebuild: false);
        var graph = _graph is { Ready: true } ready && !query.Exact ? ready : null;

        // Off the grain's turn so concurrent searches of one shard use every core; no write runs meanwhile (reads interleave, writes do not).
        var started = time.GetTimestamp();
        var answer = await slots.RunAsync(() =>
        {
            if (graph is null)
            {
                return new ShardHits(shard.SearchExact(query), Exact: true);
            }

            var wanted = Math.Max(Math.Max(query.Expansion, graph.Settings.ExpansionSearch), query.TopK * CandidatesPerHit);
            ulong[] candidates;
            graph.Gate.EnterReadLock();
            try
            {
                candidates = graph.Candidates(query.Vector, Math.Min(wanted, shard.Count));
            }
            finally
            {
                graph.Gate.ExitReadLock();
            }

            telemetry.CollectionCandidates.Record(candidates.Length);
            var hits = shard.Rank(candidates.Select(c => (int)c), query);

            // A filter or threshold that leaves fewer than top_k of the graph's candidates: the exact scan finds every match.
            return hits.Count < query.TopK && (query.Filter is not null || query.Threshold is not null) && hits.Count < shard.Count
                ? new ShardHits(shard.SearchExact(query), Exact: true)
                : new ShardHits(hits, Exact: false);
        });
        telemetry.CollectionSearchDuration.Record(time.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("index", answer.Exact ? "flat" : "hnsw"));
        return answer;
    }

    public Task<ShardStats> Describe(IndexSettings index) => Task.FromResult(Stats());

    private ShardStats Stats() => new(
        _index?.Count ?? 0,
        _graph is { Ready: true } ? "hnsw" : _graph is null ? "flat" : "building",
        (_index?.MemoryBytes ?? 0) + (_graph?.MemoryBytes ?? 0),
        _graph?.Tombstones ?? 0);

    public async Task<ShardStats> WhenBuilt(IndexSettings index)
    {
        await KeepGraphAsync(index, rebuild: false);
        if (_building is { } building)
        {
            await building;
        }

        return await Describe(index);
    }

    public async Task Drop()
    {
        if (_saving is { } saving)
        {
            await saving;
        }

        await StopGraphAsync();
        snapshots.Delete(_uid, _shard);
        _index = null;
        _lastSequence = 0;
        DeactivateOnIdle();
    }

    private void Load(ShardRow row)
    {
        var graph = _graph;
        graph?.Gate.EnterWriteLock();
        try
        {
            // Inside the lock: a snapshot saved under the read lock records a sequence only with the rows it covers.
            _lastSequence = Math.Max(_lastSequence, row.Sequence);
            if (row.Vector is null)
            {
                if (_index?.Remove(row.Id) is >= 0 and var freed && graph is not null && freed < graph.Covered)
                {
                    graph.Remove(freed);
                }

                return;
            }

            _index ??= new ShardIndex(row.Vector.Length);
            var (slot, _) = _index.Upsert(row.Id, row.Vector, MetadataJson.Read(row.Metadata), row.Bytes);

            // Slots the builder has not reached yet it adds itself, with whatever vector they hold by then.
            if (graph is not null && slot < graph.Covered)
            {
                graph.Put(slot, row.Vector);
            }
        }
        finally
        {
            graph?.Gate.ExitWriteLock();
        }
    }

    // Starts the graph the settings and size call for, and rebuilds one that deletes have hollowed out.
    private async Task KeepGraphAsync(IndexSettings settings, bool rebuild)
    {
        if (_index is not { } index)
        {
            return;
        }

        if (rebuild && _graph is { Ready: true, NeedsRebuild: true })
        {
            await StopGraphAsync();
        }

        if (_graph is null && settings.UsesGraph(index.Count))
        {
            var graph = new ShardGraph(index.Dimensions, settings);
            _graph = graph;
            _building = Task.Run(() => Build(index, graph));
        }
    }

    private void Build(ShardIndex index, ShardGraph graph)
    {
        var started = time.GetTimestamp();
        while (!graph.Stopping)
        {
            graph.Gate.EnterWriteLock();
            try
            {
                var end = Math.Min(index.Slots, graph.Covered + BuildChunk);
                for (var slot = graph.Covered; slot < end; slot++)
                {
                    if (index.IdAt(slot) is not null)
                    {
                        graph.Put(slot, index.VectorAt(slot));
                    }
                }

                // Once every slot is in, every later slot is too: the writers add their own from then on.
                graph.Covered = end == index.Slots ? int.MaxValue : end;
                if (end == index.Slots)
                {
                    graph.Ready = true;
                    break;
                }
            }
            finally
            {
                graph.Gate.ExitWriteLock();
            }
        }

        if (graph.Ready)
        {
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            LogGraphBuilt(_shard, _uid, graph.Size, seconds);
            Report();
            if (snapshots.Enabled)
            {
                SaveSnapshot(graph, index);
            }
        }
    }

    private async Task StopGraphAsync()
    {
        if (_graph is not { } graph)
        {
            return;
        }

        graph.Stopping = true;
        if (_building is { } building)
        {
            await building;
        }

        // A save still reading the graph must finish before it is freed.
        if (_saving is { } saving)
        {
            await saving;
        }

        graph.Dispose();
        _graph = null;
        _building = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Collection shard {Shard} of {Uid} loaded {Items} items from the store in {Milliseconds:F0} ms")]
    private partial void LogLoaded(int shard, string uid, int items, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collection shard {Shard} of {Uid} could not save its graph snapshot ({Reason}); the previous one stays")]
    private partial void LogSnapshotFailed(int shard, string uid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collection shard {Shard} of {Uid} could not use its graph snapshot ({Reason}); building the graph again")]
    private partial void LogSnapshotUnusable(int shard, string uid, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Collection shard {Shard} of {Uid} built its HNSW graph of {Items} items in {Seconds:F1} s")]
    private partial void LogGraphBuilt(int shard, string uid, long items, double seconds);
}
