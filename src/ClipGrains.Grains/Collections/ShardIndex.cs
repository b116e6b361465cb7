using System.Numerics.Tensors;
using ClipGrains.Abstractions.Collections;

namespace ClipGrains.Grains.Collections;

/// <summary>
/// One shard's items in memory: unit f32 vectors in one contiguous array (a slot per item, freed slots reused), ids,
/// metadata and stored sizes. Exact search scans every live slot with <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>;
/// the shard graph adds an HNSW graph over the same slots for large shards. Not thread-safe for writes: the shard
/// grain is its one writer, and reads run only while no write does (the grain's read-only calls interleave, writes do not).
/// </summary>
internal sealed class ShardIndex(int dimensions)
{
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly Stack<int> _free = new();
    private float[] _vectors = new float[dimensions * 64];
    private string?[] _ids = new string?[64];
    private IReadOnlyDictionary<string, MetaValue>[] _metadata = new IReadOnlyDictionary<string, MetaValue>[64];
    private long[] _bytes = new long[64];
    private int _used;

    // Ids' string objects and their dictionary entries (about 24 bytes each plus two per character).
    private long _idBytes;

    /// <summary>The vectors' width.</summary>
    public int Dimensions => dimensions;

    /// <summary>Live items.</summary>
    public int Count => _slots.Count;

    /// <summary>Slots in use or freed (the graph's key space).</summary>
    public int Slots => _used;

    /// <summary>Memory held: vectors, ids and per-slot tables (metadata dictionaries estimated at their JSON size).</summary>
    public long MemoryBytes => (_vectors.LongLength * sizeof(float)) + (_ids.LongLength * (IntPtr.Size + sizeof(long) + IntPtr.Size)) + _idBytes;

    /// <summary>The slot of <paramref name="id"/>, or -1.</summary>
    public int SlotOf(string id) => _slots.TryGetValue(id, out var slot) ? slot : -1;

    /// <summary>The id in <paramref name="slot"/>, or null when the slot is free.</summary>
    public string? IdAt(int slot) => _ids[slot];

    /// <summary>The vector of <paramref name="slot"/>.</summary>
    public ReadOnlySpan<float> VectorAt(int slot) => _vectors.AsSpan(slot * dimensions, dimensions);

    /// <summary>The metadata of <paramref name="slot"/>.</summary>
    public IReadOnlyDictionary<string, MetaValue> MetadataAt(int slot) => _metadata[slot];

    /// <summary>Stored bytes of <paramref name="id"/>, or null when absent.</summary>
    public long? BytesOf(string id) => _slots.TryGetValue(id, out var slot) ? _bytes[slot] : null;

    /// <summary>Adds or replaces an item; returns its slot and whether it replaced one (a replaced item keeps its slot).</summary>
    public (int Slot, bool Replaced) Upsert(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, MetaValue> metadata, long bytes)
    {
        if (vector.Length != dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions; this shard holds {dimensions}.", nameof(vector));
        }

        var replaced = _slots.TryGetValue(id, out var slot);
        if (!replaced)
        {
            slot = _free.Count > 0 ? _free.Pop() : _used++;
            Grow(slot + 1);
            _slots[id] = slot;
            _ids[slot] = id;
            _idBytes += 48 + (id.Length * 2L);
        }

        vector.CopyTo(_vectors.AsSpan(slot * dimensions, dimensions));
        _metadata[slot] = metadata;
        _bytes[slot] = bytes;
        return (slot, replaced);
    }

    /// <summary>
    /// Places <paramref name="ids"/> at the slots a snapshot gave them (null: a free slot), before the store's rows fill
    /// their vectors in: the snapshot's graph keys are these slots. Only on an empty index.
    /// </summary>
    public void Restore(IReadOnlyList<string?> ids)
    {
        if (_used != 0)
        {
            throw new InvalidOperationException("Slots are restored into an empty index only.");
        }

        Grow(ids.Count);
        _used = ids.Count;
        for (var slot = ids.Count - 1; slot >= 0; slot--)
        {
            if (ids[slot] is { } id)
            {
                _slots[id] = slot;
                _ids[slot] = id;
                _idBytes += 48 + (id.Length * 2L);
                _metadata[slot] = MetadataJson.None;
            }
            else
            {
                _free.Push(slot);
            }
        }
    }

    /// <summary>The ids by slot (null for a free slot): what a snapshot records next to its graph.</summary>
    public string?[] SlotIds() => _ids[.._used];

    /// <summary>Removes an item; returns its freed slot, or -1 when it was absent.</summary>
    public int Remove(string id)
    {
        if (!_slots.Remove(id, out var slot))
        {
            return -1;
        }

        _ids[slot] = null;
        _idBytes -= 48 + (id.Length * 2L);
        _metadata[slot] = MetadataJson.None;
        _bytes[slot] = 0;
        _free.Push(slot);
        return slot;
    }

    /// <summary>The first <paramref name="limit"/> ids (ordinal order) of live items passing <paramref name="filter"/>.</summary>
    public List<string> Matching(ItemFilter filter, int limit = int.MaxValue)
    {
        var ids = new List<string>();
        for (var slot = 0; slot < _used; slot++)
        {
            if (_ids[slot] is { } id && filter.Matches(_metadata[slot]))
            {
                ids.Add(id);
            }
        }

        ids.Sort(StringComparer.Ordinal);
        return ids.Count > limit ? ids[..limit] : ids;
    }

    /// <summary>
    /// The exact best <paramref name="query"/>.TopK live items by cosine (ties broken by id), after the filter, threshold
    /// and exclusion: a filtered search returns min(top_k, matching items) whatever the filter's selectivity.
    /// </summary>
    public List<SearchHit> SearchExact(ShardQuery query)
    {
        var best = new TopK(query.TopK);
        var q = query.Vector.AsSpan();
        for (var slot = 0; slot < _used; slot++)
        {
            if (_ids[slot] is not { } id || (query.Filter is { } filter && !filter.Matches(_metadata[slot])) || id == query.Exclude)
            {
                continue;
            }

            var score = TensorPrimitives.Dot(q, _vectors.AsSpan(slot * dimensions, dimensions));
            if (query.Threshold is not { } threshold || score >= threshold)
            {
                best.Offer(slot, score, id);
            }
        }

        return best.Hits(this);
    }

    /// <summary>Scores <paramref name="slots"/> exactly (f32 re-ranking of graph candidates), best first.</summary>
    public List<SearchHit> Rank(IEnumerable<int> slots, ShardQuery query)
    {
        var best = new TopK(query.TopK);
        foreach (var slot in slots)
        {
            if (_ids[slot] is not { } id || (query.Filter is { } filter && !filter.Matches(_metadata[slot])) || id == query.Exclude)
            {
                continue;
            }

            var score = TensorPrimitives.Dot(query.Vector, _vectors.AsSpan(slot * dimensions, dimensions));
            if (query.Threshold is not { } threshold || score >= threshold)
            {
                best.Offer(slot, score, id);
            }
        }

        return best.Hits(this);
    }

    private void Grow(int slots)
    {
        if (slots <= _ids.Length)
        {
            return;
        }

        var capacity = Math.Max(slots, _ids.Length * 2);
        Array.Resize(ref _vectors, capacity * dimensions);
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _metadata, capacity);
        Array.Resize(ref _bytes, capacity);
    }

    // The k best seen so far in a min-heap keyed (score, id): the root is the worst kept, replaced by anything better.
    private sealed class TopK(int k)
    {
        private readonly PriorityQueue<int, (float Score, string Id)> _heap = new(k + 1, Worse.Instance);

        public void Offer(int slot, float score, string id)
        {
            if (_heap.Count < k)
            {
                _heap.Enqueue(slot, (score, id));
            }
            else if (_heap.TryPeek(out _, out var worst) && Worse.Instance.Compare((score, id), worst) > 0)
            {
                _heap.DequeueEnqueue(slot, (score, id));
            }
        }

        public List<SearchHit> Hits(ShardIndex index)
        {
            var hits = new List<SearchHit>(_heap.Count);
            while (_heap.TryDequeue(out var slot, out var key))
            {
                hits.Add(new SearchHit(key.Id, key.Score, index._metadata[slot]));
            }

            hits.Reverse();
            return hits;
        }
    }

    /// <summary>Orders hits worst first: lower score, then (for equal scores) the larger id, so the best are highest score, smallest id.</summary>
    internal sealed class Worse : IComparer<(float Score, string Id)>
    {
        public static Worse Instance { get; } = new();

        public int Compare((float Score, string Id) x, (float Score, string Id) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(y.Id, x.Id);
        }
    }
}
