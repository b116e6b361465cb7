namespace ClipGrains.Grains.Serving;

/// <summary>Counters of one silo's model host since start (thread-safe snapshots).</summary>
public sealed class ModelHostStatistics
{
    private long _imageBatches;
    private long _oneCoreImageBatches;
    private long _images;
    private long _textBatches;
    private long _texts;
    private int _largestImageBatch;
    private int _largestTextBatch;
    private long _decodesStarted;
    private int _prepared;
    private int _preparedPeak;

    /// <summary>Image batches run.</summary>
    public long ImageBatches => Interlocked.Read(ref _imageBatches);

    /// <summary>Image batches that ran on one core beside others (the rest ran alone on every core).</summary>
    public long OneCoreImageBatches => Interlocked.Read(ref _oneCoreImageBatches);

    /// <summary>Images embedded.</summary>
    public long Images => Interlocked.Read(ref _images);

    /// <summary>Text batches run.</summary>
    public long TextBatches => Interlocked.Read(ref _textBatches);

    /// <summary>Prompts embedded.</summary>
    public long Texts => Interlocked.Read(ref _texts);

    /// <summary>Largest image batch seen: above 1 proves concurrent requests were merged.</summary>
    public int LargestImageBatch => Volatile.Read(ref _largestImageBatch);

    /// <summary>Largest text batch seen.</summary>
    public int LargestTextBatch => Volatile.Read(ref _largestTextBatch);

    /// <summary>Image decodes started (a request that fails early leaves the rest of its images undecoded).</summary>
    public long DecodesStarted => Interlocked.Read(ref _decodesStarted);

    /// <summary>Most preprocessed image tensors held at once (decoded and not yet inferred): the memory bound of large requests.</summary>
    public int PreparedImagesPeak => Volatile.Read(ref _preparedPeak);

    internal void RecordPrepared(int change) => Max(ref _preparedPeak, Interlocked.Add(ref _prepared, change));

    internal void RecordDecodeStarted() => Interlocked.Increment(ref _decodesStarted);

    internal void RecordImageBatch(int size)
    {
        Interlocked.Increment(ref _imageBatches);
        Interlocked.Add(ref _images, size);
        Max(ref _largestImageBatch, size);
    }

    internal void RecordOneCoreBatch(int size) => Interlocked.Increment(ref _oneCoreImageBatches);

    internal void RecordTextBatch(int size)
    {
        Interlocked.Increment(ref _textBatches);
        Interlocked.Add(ref _texts, size);
        Max(ref _largestTextBatch, size);
    }

    private static void Max(ref int field, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref field)) && Interlocked.CompareExchange(ref field, value, current) != current)
        {
        }
    }
}
