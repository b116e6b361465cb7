using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClipGrains.Abstractions.Telemetry;

/// <summary>
/// The <c>ClipGrains</c> meter and activity source: what the model host, the batching queues, the label-set
/// cache and the ledger path record. No instrument carries a tenant id (unbounded cardinality) or anything secret.
/// </summary>
public sealed class ClipGrainsTelemetry : IDisposable
{
    /// <summary>Meter and activity-source name.</summary>
    public const string Name = "ClipGrains";

    private readonly Meter _meter;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/>.</summary>
    public ClipGrainsTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(Name);
        Requests = _meter.CreateCounter<long>("clipgrains.requests", "{request}", "HTTP requests by route and status code");
        ImagesEncoded = _meter.CreateCounter<long>("clipgrains.images.encoded", "{image}", "Images embedded");
        TextsEncoded = _meter.CreateCounter<long>("clipgrains.texts.encoded", "{text}", "Prompts embedded");
        BatchSize = _meter.CreateHistogram<int>("clipgrains.batch.size", "{item}", "Items per inference batch, by kind");
        QueueWait = _meter.CreateHistogram<double>("clipgrains.queue.wait", "ms", "Time an item waited in the batching queue");
        InferenceDuration = _meter.CreateHistogram<double>("clipgrains.inference.duration", "ms", "ONNX Runtime time per batch, by kind");
        LabelSetCacheHits = _meter.CreateCounter<long>("clipgrains.labelset.cache.hits", "{lookup}", "Label-set matrices served from this silo's cache");
        LabelSetCacheMisses = _meter.CreateCounter<long>("clipgrains.labelset.cache.misses", "{lookup}", "Label-set matrices fetched from their grain");
        CreditsReserved = _meter.CreateCounter<long>("clipgrains.credits.reserved", "{credit}", "Credits reserved before work");
        CreditsCommitted = _meter.CreateCounter<long>("clipgrains.credits.committed", "{credit}", "Credits charged");
        CreditsRefunded = _meter.CreateCounter<long>("clipgrains.credits.refunded", "{credit}", "Reserved credits released");
        RateLimitRejections = _meter.CreateCounter<long>("clipgrains.ratelimit.rejections", "{request}", "Requests refused by a tenant's rate limit");
        DecodeDuration = _meter.CreateHistogram<double>("clipgrains.decode.duration", "ms", "Decode and preprocessing time per image, by outcome (ok, refused)");
        RequestsRefused = _meter.CreateCounter<long>("clipgrains.requests.refused", "{request}", "Admitted requests refused by their own input (an undecodable image), by route");
        ModelLoads = _meter.CreateCounter<long>("clipgrains.model.loads", "{load}", "Model loads on this silo, by model and outcome (ok, failed, no_room)");
        ModelUnloads = _meter.CreateCounter<long>("clipgrains.model.unloads", "{unload}", "Models unloaded on this silo, by model and reason (idle, evicted, stopping)");
        ModelLoadDuration = _meter.CreateHistogram<double>("clipgrains.model.load.duration", "ms", "Time of each phase of a model load (resolve, load, warmup), by model");
        ModelLoadWait = _meter.CreateHistogram<double>("clipgrains.model.load.wait", "ms", "Time a request waited for its model to load, by model");
        CollectionSearchDuration = _meter.CreateHistogram<double>("clipgrains.collection.search.duration", "ms", "One shard's search time, by index (flat, hnsw)");
        CollectionCandidates = _meter.CreateHistogram<int>("clipgrains.collection.search.candidates", "{item}", "Graph candidates a shard re-ranked in f32 per search (the recall setting in effect)");
        ModelAgeAtUnload = _meter.CreateHistogram<double>("clipgrains.model.age_at_unload", "s", "How long a model was loaded when it was unloaded, by model and reason");
    }

    /// <summary>Model loads, tagged <c>model</c> and <c>outcome</c>.</summary>
    public Counter<long> ModelLoads { get; }

    /// <summary>Model unloads, tagged <c>model</c> and <c>reason</c>.</summary>
    public Counter<long> ModelUnloads { get; }

    /// <summary>Milliseconds per load phase, tagged <c>model</c> and <c>phase</c>.</summary>
    public Histogram<double> ModelLoadDuration { get; }

    /// <summary>Milliseconds a request waited for a load, tagged <c>model</c>.</summary>
    public Histogram<double> ModelLoadWait { get; }

    /// <summary>Seconds a model was loaded before it was unloaded, tagged <c>model</c> and <c>reason</c>.</summary>
    public Histogram<double> ModelAgeAtUnload { get; }

    /// <summary>Registers the gauge of models loaded on this silo (one series per model: 1 loaded, 0 not).</summary>
    public void ObserveModelsLoaded(Func<IEnumerable<Measurement<int>>> copies) =>
        _meter.CreateObservableGauge("clipgrains.model.copies", copies, "{copy}", "Whether each model is loaded on this silo");

    /// <summary>Milliseconds of decoding and preprocessing per image, tagged <c>outcome</c>: ok, or refused (its request failed).</summary>
    public Histogram<double> DecodeDuration { get; }

    /// <summary>Admitted requests whose work found their input invalid (refunded, counted in usage as refused).</summary>
    public Counter<long> RequestsRefused { get; }

    /// <summary>Spans for batches and ONNX Runtime runs.</summary>
    public static ActivitySource Activities { get; } = new(Name);

    /// <summary>HTTP requests by route and status.</summary>
    public Counter<long> Requests { get; }

    /// <summary>Images embedded.</summary>
    public Counter<long> ImagesEncoded { get; }

    /// <summary>Prompts embedded.</summary>
    public Counter<long> TextsEncoded { get; }

    /// <summary>Items per inference batch, tagged with the kind (image or text).</summary>
    public Histogram<int> BatchSize { get; }

    /// <summary>Milliseconds an item waited in a batching queue.</summary>
    public Histogram<double> QueueWait { get; }

    /// <summary>Milliseconds of ONNX Runtime time per batch.</summary>
    public Histogram<double> InferenceDuration { get; }

    /// <summary>Label-set matrices served from this silo's cache.</summary>
    public Counter<long> LabelSetCacheHits { get; }

    /// <summary>Label-set matrices fetched from their grain.</summary>
    public Counter<long> LabelSetCacheMisses { get; }

    /// <summary>Credits reserved before work.</summary>
    public Counter<long> CreditsReserved { get; }

    /// <summary>Credits charged.</summary>
    public Counter<long> CreditsCommitted { get; }

    /// <summary>Reserved credits released.</summary>
    public Counter<long> CreditsRefunded { get; }

    /// <summary>Requests refused by a rate limit, tagged with the limit.</summary>
    public Counter<long> RateLimitRejections { get; }

    /// <summary>One shard's search time, tagged with the index that answered.</summary>
    public Histogram<double> CollectionSearchDuration { get; }

    /// <summary>Graph candidates re-ranked per shard search.</summary>
    public Histogram<int> CollectionCandidates { get; }

    /// <summary>Registers the gauges of this silo's active collection shards: items, index bytes, and shards by index kind.</summary>
    public void ObserveCollections(Func<long> items, Func<long> indexBytes, Func<IEnumerable<Measurement<int>>> shards)
    {
        _meter.CreateObservableGauge("clipgrains.collection.items", items, "{item}", "Items in the collection shards active on this silo");
        _meter.CreateObservableGauge("clipgrains.collection.index.memory", indexBytes, "By", "Memory of the collection shards' indexes on this silo (f32 vectors, ids, graphs)");
        _meter.CreateObservableGauge("clipgrains.collection.shards", shards, "{shard}", "Collection shards active on this silo, by index (flat, building, hnsw)");
    }

    /// <summary>Registers the queue-depth gauge for a model host.</summary>
    public void ObserveQueueDepth(Func<int> images) =>
        _meter.CreateObservableGauge("clipgrains.queue.depth", images, "{image}", "Images queued or being inferred on this silo");

    /// <summary>Registers the gauge of HTTP requests this silo's gateway is serving (watched while a silo drains).</summary>
    public void ObserveRequestsInFlight(Func<int> requests) =>
        _meter.CreateObservableGauge("clipgrains.requests.in_flight", requests, "{request}", "HTTP requests this gateway is serving now");

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
