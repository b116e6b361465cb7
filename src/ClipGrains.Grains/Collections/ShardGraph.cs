using Cloud.Unum.USearch;
using ClipGrains.Abstractions.Collections;

namespace ClipGrains.Grains.Collections;

/// <summary>
/// An HNSW graph over a <see cref="ShardIndex"/>'s slots (USearch, keys = slot numbers), in the collection's quantization.
/// USearch's managed binding is unsafe under concurrent adds (unum-cloud/usearch#735, #441): every add and remove holds
/// <see cref="Gate"/> exclusively, searches hold it shared, and the silo's <see cref="NativeSearchSlots"/> bound native
/// calls to the cores. Removed slots stay as tombstones until <see cref="NeedsRebuild"/> says a rebuild pays.
/// </summary>
internal sealed class ShardGraph : IDisposable
{
    private readonly USearchIndex _index;
    private long _live;
    private long _tombstones;
    private bool _stopping;
    private bool _ready;

    private ShardGraph(USearchIndex index, IndexSettings settings, long live)
    {
        _index = index;
        Settings = settings;
        _live = live;
        Covered = int.MaxValue;
        Ready = true;
    }

    public ShardGraph(int dimensions, IndexSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var scalar = settings.Quantization switch
        {
            "f32" => ScalarKind.Float32,
            "f16" => ScalarKind.Float16,
            _ => ScalarKind.Int8,
        };
        _index = new USearchIndex(MetricKind.Cos, scalar, (ulong)dimensions, (ulong)settings.Connectivity, (ulong)settings.ExpansionAdd, (ulong)settings.ExpansionSearch);
        Settings = settings;
    }

    /// <summary>Held exclusively by writers (add, remove), shared by searches.</summary>
    public ReaderWriterLockSlim Gate { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>The settings the graph was built with.</summary>
    public IndexSettings Settings { get; }

    /// <summary>Slots below this have been added (the background build's cursor); the graph answers once it covers every slot.</summary>
    public int Covered { get; set; }

    /// <summary>Whether the build has covered every slot, so searches may use the graph.</summary>
    public bool Ready { get => Volatile.Read(ref _ready); set => Volatile.Write(ref _ready, value); }

    /// <summary>Set when the shard drops the graph: the builder stops at its next chunk.</summary>
    public bool Stopping { get => Volatile.Read(ref _stopping); set => Volatile.Write(ref _stopping, value); }

    /// <summary>Live entries in the graph.</summary>
    public long Size => Interlocked.Read(ref _live);

    /// <summary>Entries removed or replaced since the build: links that searches still walk past.</summary>
    public long Tombstones => Interlocked.Read(ref _tombstones);

    /// <summary>Whether tombstones are a quarter of the live entries: searches then waste enough to pay for a rebuild.</summary>
    public bool NeedsRebuild => Tombstones > 1024 && Tombstones * 4 > Size;

    /// <summary>
    /// Memory the graph holds (est.): each node's vector in its scalar type plus 2·M links of 4 bytes on the base layer
    /// and its key, the figure USearch's own sizing uses.
    /// </summary>
    public long MemoryBytes
    {
        get
        {
            var scalar = Settings.Quantization switch { "f32" => 4, "f16" => 2, _ => 1 };
            return (Size + Tombstones) * (((long)_index.Dimensions() * scalar) + (2L * Settings.Connectivity * 4) + 16);
        }
    }

    /// <summary>Adds (or re-adds) a slot's vector; the caller holds <see cref="Gate"/> for writing.</summary>
    public void Put(int slot, ReadOnlySpan<float> vector)
    {
        var key = (ulong)slot;
        if (_index.Contains(key))
        {
            _index.Remove(key);
            Interlocked.Increment(ref _tombstones);
            Interlocked.Decrement(ref _live);
        }

        _index.Add(key, vector.ToArray());
        Interlocked.Increment(ref _live);
    }

    /// <summary>Removes a slot; the caller holds <see cref="Gate"/> for writing.</summary>
    public void Remove(int slot)
    {
        if (_index.Remove((ulong)slot) > 0)
        {
            Interlocked.Increment(ref _tombstones);
            Interlocked.Decrement(ref _live);
        }
    }

    /// <summary>Up to <paramref name="count"/> candidate slots nearest <paramref name="query"/>; the caller holds <see cref="Gate"/> for reading.</summary>
    public ulong[] Candidates(float[] query, int count)
    {
        _index.Search(query, count, out var keys, out _);
        return keys;
    }

    /// <summary>Whether the graph holds <paramref name="slot"/>.</summary>
    public bool Contains(int slot) => _index.Contains((ulong)slot);

    /// <summary>Writes the graph to <paramref name="path"/>; the caller holds <see cref="Gate"/> (reading is enough: no add runs).</summary>
    public void Save(string path) => _index.Save(path);

    /// <summary>A graph saved by <see cref="Save"/>, complete (ready) and covering every slot it was saved with.</summary>
    public static ShardGraph Load(string path, IndexSettings settings)
    {
        var index = new USearchIndex(path);
        return new ShardGraph(index, settings, (long)index.Size());
    }

    public void Dispose()
    {
        _index.Dispose();
        Gate.Dispose();
    }
}

/// <summary>
/// The silo's bound on concurrent native index calls: USearch reserves one search context per core and, in release
/// builds, corrupts memory when more calls than that run at once (unum-cloud/usearch#389, #550).
/// </summary>
internal sealed class NativeSearchSlots() : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public async Task<T> RunAsync<T>(Func<T> call)
    {
        await _slots.WaitAsync();
        try
        {
            return await Task.Run(call);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
