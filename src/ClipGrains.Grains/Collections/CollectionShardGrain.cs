using ClipGrains.Abstractions.Collections;
using Microsoft.Extensions.Logging;

namespace ClipGrains.Grains.Collections;

/// <summary>
/// One shard of a collection: its items' index, rebuilt from the store on activation (the store is the truth), and the
/// single writer of its rows — a write is durable in the store before the index shows it, and the index shows it before
/// the call returns, so a search that starts after an acknowledged write finds it on any gateway.
/// </summary>
internal sealed partial class CollectionShardGrain(ICollectionStore store, TimeProvider time, ILogger<CollectionShardGrain> logger) : Grain, ICollectionShardGrain
{
    // Rows read per store round trip while loading: large enough to amortise the query, small enough to stream.
    private const int LoadPage = 4096;

    private string _uid = string.Empty;
    private int _shard;
    private long _lastSequence;
    private ShardIndex? _index;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_uid, _shard) = CollectionKey.ParseShard(this.GetPrimaryKeyString());
        var started = time.GetTimestamp();
        while (true)
        {
            var rows = await store.ReadShardAsync(_uid, _shard, _lastSequence, LoadPage, cancellationToken);
            foreach (var row in rows)
            {
                Load(row);
            }

            if (rows.Count < LoadPage)
            {
                break;
            }
        }

        var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
        LogLoaded(_shard, _uid, _index?.Count ?? 0, elapsed);
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

        var deleted = new List<string>();
        foreach (var id in deletes)
        {
            if (_index?.BytesOf(id) is not { } old)
            {
                results.Add(new ItemResult(id, "not_found", "item_not_found", $"There is no item '{id}'."));
                continue;
            }

            rows.Add(new ShardRow(id, ++sequence, null, [], null, 0, now));
            results.Add(new ItemResult(id, "deleted"));
            deleted.Add(id);
            items--;
            bytes -= old;
        }

        if (rows.Count > 0)
        {
            // Durable first: an index that showed a write the store then lost would answer with an item that is gone.
            await store.WriteAsync(_uid, _shard, rows);
            foreach (var row in rows)
            {
                Load(row);
            }
        }

        return new ShardChange(results, items, bytes);
    }

    public Task<IReadOnlyList<string>> Matching(ItemFilter filter, IndexSettings index) =>
        Task.FromResult<IReadOnlyList<string>>(_index?.Matching(filter) ?? []);

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

        // Off the grain's turn so concurrent searches of one shard use every core; no write runs meanwhile (reads interleave, writes do not).
        var hits = await Task.Run(() => shard.SearchExact(query));
        return new ShardHits(hits, Exact: true);
    }

    public Task<ShardStats> Describe(IndexSettings index) =>
        Task.FromResult(new ShardStats(_index?.Count ?? 0, "flat", _index?.MemoryBytes ?? 0, 0));

    public Task Drop()
    {
        _index = null;
        _lastSequence = 0;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private void Load(ShardRow row)
    {
        _lastSequence = Math.Max(_lastSequence, row.Sequence);
        if (row.Vector is null)
        {
            _index?.Remove(row.Id);
            return;
        }

        _index ??= new ShardIndex(row.Vector.Length);
        _index.Upsert(row.Id, row.Vector, MetadataJson.Read(row.Metadata), row.Bytes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Collection shard {Shard} of {Uid} loaded {Items} items from the store in {Milliseconds:F0} ms")]
    private partial void LogLoaded(int shard, string uid, int items, double milliseconds);
}
