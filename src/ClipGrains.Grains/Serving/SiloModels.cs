using System.Diagnostics.Metrics;
using ClipGrains.Abstractions.Configuration;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Abstractions.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// The models of one silo, each loaded on demand (named apart from Orleans' grain activations, which these are not): a deployment is loaded when the first request needs it (requests arriving
/// meanwhile wait on that same load, up to their deadlines), stays while used, and is unloaded after its idle timeout
/// unless <see cref="ModelDeploymentOptions.MinCopies"/> keeps it. Loaded models are weighed by the bytes of their
/// graphs against <see cref="ModelsOptions.MemoryBudget"/>: a load that does not fit evicts the least recently used
/// idle models loaded longer than <see cref="ModelsOptions.MinResidency"/>, or is refused with <c>model_capacity</c>.
/// At most <see cref="ModelsOptions.MaxParallelLoads"/> loads run at once; warm models keep serving meanwhile.
/// </summary>
public sealed partial class SiloModels : IAsyncDisposable
{
    private readonly ModelsOptions _models;
    private readonly IOptions<BatchingOptions> _batching;
    private readonly ModelLoader _loader;
    private readonly DecodeAdmission _decodes;
    private readonly TimeProvider _time;
    private readonly ClipGrainsTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ModelSlot> _slots = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loads;
    private readonly ITimer _idleCheck;
    private readonly Collections.ShardGauges? _collections;
    private readonly GraphPreparer? _preparer;

    /// <summary>Creates the registry; nothing is loaded until asked.</summary>
    /// <param name="models">The deployments and the memory budget.</param>
    /// <param name="batching">Queue settings of each model's host.</param>
    /// <param name="loader">Loads a model's graphs.</param>
    /// <param name="decodes">The silo's decode slots, shared by every model.</param>
    /// <param name="time">The clock.</param>
    /// <param name="telemetry">Gauges and counters.</param>
    /// <param name="logger">Loads, unloads and evictions.</param>
    /// <param name="collections">The collection shards active on this silo: their index memory counts against the same budget.</param>
    /// <param name="preparer">Writes the optimised graphs a load had to make itself, for the loads after it.</param>
    public SiloModels(
        IOptions<ModelsOptions> models, IOptions<BatchingOptions> batching, ModelLoader loader, DecodeAdmission decodes, TimeProvider time,
        ClipGrainsTelemetry telemetry, ILogger<SiloModels> logger, Collections.ShardGauges? collections = null, GraphPreparer? preparer = null)
    {
        _collections = collections;
        _preparer = preparer;
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(telemetry);
        _models = models.Value;
        _batching = batching;
        _loader = loader;
        _decodes = decodes;
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
        foreach (var deployment in _models.Deployments)
        {
            _slots[deployment.Id] = new ModelSlot(deployment);
        }

        _loads = new SemaphoreSlim(_models.MaxParallelLoads);
        MemoryBudget = _models.MemoryBudget > 0 ? _models.MemoryBudget : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
        _idleCheck = time.CreateTimer(_ => _ = UnloadIdleAsync(), null, _models.IdleCheckInterval, _models.IdleCheckInterval);
        telemetry.ObserveQueueDepth(() => ImageLoad);
        telemetry.ObserveModelsLoaded(() => States().Select(s => new Measurement<int>(s.Loaded ? 1 : 0, new KeyValuePair<string, object?>("model", s.Id))));
    }

    /// <summary>The deployment a request without a model runs on.</summary>
    public string DefaultId => _models.DefaultId;

    /// <summary>Bytes of model files this silo may hold loaded.</summary>
    public long MemoryBudget { get; }

    /// <summary>Images queued or being inferred, over every loaded model.</summary>
    public int ImageLoad
    {
        get
        {
            lock (_gate)
            {
                return _slots.Values.Sum(a => a.Host?.ImageLoad ?? 0);
            }
        }
    }

    /// <summary>Every deployment's state on this silo, in configuration order.</summary>
    public IReadOnlyList<ModelState> States()
    {
        lock (_gate)
        {
            return [.. _models.Deployments.Select(d => _slots[d.Id]).Select(a => new ModelState(
                a.Deployment.Id, a.Host is not null, a.Host is null && a.Load is not null, a.Host is null ? 0 : a.Bytes, a.InUse, a.LastUsed))];
        }
    }

    /// <summary>This silo's load and models, as routing on every silo sees them.</summary>
    public SiloSnapshot Snapshot() => new(ImageLoad, [.. States().Select(s => new ModelCopyState(s.Id, s.Loaded, s.Loading))]);

    /// <summary>The loaded host of <paramref name="id"/> (the default when null); throws when it is not loaded.</summary>
    public ModelHost Host(string? id = null)
    {
        lock (_gate)
        {
            return Find(id ?? DefaultId)?.Host ?? throw new InvalidOperationException($"The model '{id ?? DefaultId}' is not loaded on this silo.");
        }
    }

    /// <summary>The embedding size of <paramref name="id"/> (the default when null) when it is loaded here, else null.</summary>
    public int? LoadedDimension(string? id = null)
    {
        lock (_gate)
        {
            return Find(id ?? DefaultId)?.Host?.Model.Dimension;
        }
    }

    /// <summary>Loads <paramref name="id"/> (the default when null) unless it is loaded, and waits for it.</summary>
    public async Task<ModelHost> LoadAsync(string? id = null)
    {
        Task<ModelHost> load;
        lock (_gate)
        {
            var slot = Find(id ?? DefaultId) ?? throw new ArgumentException($"No deployment '{id}'.", nameof(id));
            load = slot.Load ??= StartLoad(slot);
        }

        return await load;
    }

    /// <summary>Embeds images with the batch's model, loading it first when needed.</summary>
    public Task<EncodeResult> EncodeImagesAsync(ImageBatch batch, string silo)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return WithModelAsync(batch.Model, batch.Deadline, silo, host => host.EncodeImagesAsync(batch, silo));
    }

    /// <summary>Embeds prompts with the batch's model, loading it first when needed.</summary>
    public Task<EncodeResult> EncodeTextsAsync(TextBatch batch, string silo)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return WithModelAsync(batch.Model, batch.Deadline, silo, host => host.EncodeTextsAsync(batch, silo));
    }

    // Runs `work` on the model's host while holding a use of it; a model that cannot be had is the result's failure.
    private async Task<EncodeResult> WithModelAsync(string model, DateTimeOffset deadline, string silo, Func<ModelHost, Task<EncodeResult>> work)
    {
        ModelUse use;
        try
        {
            use = await AcquireAsync(model, deadline);
        }
        catch (ModelUnavailableException e)
        {
            return new EncodeResult([], silo, new EncodeFailure(e.Code, e.Message));
        }

        using (use)
        {
            return await work(use.Host);
        }
    }

    /// <summary>
    /// The host of <paramref name="model"/> (empty for the default) for one request, loading it when needed; the use
    /// keeps it from being unloaded until disposed. Throws <see cref="ModelUnavailableException"/>.
    /// </summary>
    public async Task<ModelUse> AcquireAsync(string model, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(model);
        var name = model.Length == 0 ? DefaultId : model;
        ModelSlot slot;
        Task<ModelHost> load;
        lock (_gate)
        {
            slot = Find(name) ?? throw new ModelUnavailableException(
                EncodeFailure.ModelUnknown, $"This server does not serve the model '{name}'; it serves {string.Join(", ", _models.Deployments.Select(d => d.Id))}.");
            if (slot.Host is not null && slot.PausedUntil > _time.GetUtcNow())
            {
                throw new ModelUnavailableException(
                    EncodeFailure.ModelCapacity,
                    $"The model '{slot.Deployment.Id}' is pausing on this server so that another model, waiting for its memory, can load (models share the memory in turns of {_models.MinResidency.TotalSeconds:0} s); retry shortly.");
            }

            slot.InUse++;
            slot.LastUsed = _time.GetUtcNow();
            load = slot.Load ??= StartLoad(slot);
        }

        if (load.IsCompletedSuccessfully)
        {
            return new ModelUse(this, slot, load.Result);
        }

        var started = _time.GetTimestamp();
        try
        {
            var host = await Wait(load, deadline);
            _telemetry.ModelLoadWait.Record(_time.GetElapsedTime(started).TotalMilliseconds, Tag(slot));
            return new ModelUse(this, slot, host);
        }
        catch (TimeoutException)
        {
            Release(slot);
            throw new ModelUnavailableException(EncodeFailure.ModelLoading, $"The model '{slot.Deployment.Id}' is still loading; retry in a few seconds.");
        }
        catch (ModelUnavailableException)
        {
            Release(slot);
            throw;
        }
        catch (Exception e)
        {
            // Whatever stopped the load (broken files, a download that failed or timed out, a permission), the request
            // gets a 503 it can act on and the operator the reason in the log; it never escapes as a 500.
            Release(slot);
            throw new ModelUnavailableException(
                EncodeFailure.ModelUnavailable, $"The model '{slot.Deployment.Id}' could not be loaded on this server; retry later (the operator is told).", e);
        }
    }

    /// <summary>Unloads every model idle past its timeout (and not kept by <c>MinCopies</c>); the timer calls it.</summary>
    public async Task UnloadIdleAsync()
    {
        var now = _time.GetUtcNow();
        List<(ModelSlot, ModelHost, DateTimeOffset)> idle;
        lock (_gate)
        {
            idle = [.. _slots.Values
                .Where(a => a.Host is not null && a.InUse == 0 && a.Deployment.MinCopies == 0 && now - a.LastUsed >= a.Deployment.IdleTimeout)
                .Select(a => (a, Detach(a), a.LoadedAt))];
        }

        foreach (var (slot, host, loadedAt) in idle)
        {
            await UnloadAsync(slot, host, loadedAt, "idle");
        }
    }

    /// <summary>Unloads everything (the silo is stopping).</summary>
    public async ValueTask DisposeAsync()
    {
        await _idleCheck.DisposeAsync();
        List<(ModelSlot, ModelHost, DateTimeOffset)> loaded;
        lock (_gate)
        {
            loaded = [.. _slots.Values.Where(a => a.Host is not null).Select(a => (a, Detach(a), a.LoadedAt))];
        }

        foreach (var (slot, host, loadedAt) in loaded)
        {
            await UnloadAsync(slot, host, loadedAt, "stopping");
        }

        _loads.Dispose();
    }

    internal void Release(ModelSlot slot)
    {
        lock (_gate)
        {
            slot.InUse--;
            slot.LastUsed = _time.GetUtcNow();
        }
    }

    // Called under _gate.
    private ModelSlot? Find(string name) =>
        _slots.TryGetValue(name, out var exact) ? exact : _models.Find(name) is { } deployment ? _slots[deployment.Id] : null;

    // Called under _gate: the caller stores the task as the slot's one load (single flight).
    private Task<ModelHost> StartLoad(ModelSlot slot) => Task.Run(() => LoadCoreAsync(slot));

    private async Task<ModelHost> LoadCoreAsync(ModelSlot slot)
    {
        var id = slot.Deployment.Id;
        await _loads.WaitAsync();
        try
        {
            var phase = _time.GetTimestamp();
            var folder = await _loader.ResolveAsync(slot.Deployment, CancellationToken.None);
            var bytes = _loader.SizeOf(slot.Deployment, folder);
            _telemetry.ModelLoadDuration.Record(_time.GetElapsedTime(phase).TotalMilliseconds, Tag(slot), new("phase", "resolve"));

            foreach (var (victim, host, loadedAt) in MakeRoom(slot, bytes))
            {
                await UnloadAsync(victim, host, loadedAt, "evicted");
            }

            // Seconds of blocking work: on a thread of its own, so the thread pool keeps serving the warm models' requests.
            var model = await Task.Factory.StartNew(
                () => _loader.Load(slot.Deployment, folder), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            foreach (var (name, session) in new[] { ("vision_session", model.VisionLoad), ("text_session", model.TextLoad) })
            {
                _telemetry.ModelLoadDuration.Record(session.Duration.TotalMilliseconds, Tag(slot), new("phase", name), new("cached", session.FromCache));
            }

            // Announced only once warm: ONNX Runtime's first run of a session allocates, and that is not the first request's to pay.
            phase = _time.GetTimestamp();
            await Task.Factory.StartNew(model.WarmUp, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var warmUp = _time.GetElapsedTime(phase);
            _telemetry.ModelLoadDuration.Record(warmUp.TotalMilliseconds, Tag(slot), new("phase", "warmup"));
            var loaded = new ModelHost(_batching, _time, _telemetry, _decodes);
            loaded.Attach(model);
            lock (_gate)
            {
                slot.Host = loaded;
                slot.Bytes = bytes;
                slot.Reserved = 0;
                slot.LoadedAt = _time.GetUtcNow();
            }

            _telemetry.ModelLoads.Add(1, Tag(slot), new("outcome", "ok"));
            if (!(model.VisionLoad.FromCache && model.TextLoad.FromCache))
            {
                // This load optimised its graphs itself (optimising is cheaper than also writing them on the first
                // request's path); the next load reads what the preparer writes now, in the background.
                _ = _preparer?.EnqueueAsync(slot.Deployment, folder);
            }

            LogLoaded(
                _logger, id, folder, bytes / (1024 * 1024), model.Dimension, (long)model.VisionLoad.Duration.TotalMilliseconds, (long)model.TextLoad.Duration.TotalMilliseconds,
                model.VisionLoad.FromCache && model.TextLoad.FromCache ? "cached" : "optimised now", (long)warmUp.TotalMilliseconds);
            return loaded;
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                // A later request tries again; nothing of this load is counted against the budget.
                slot.Load = null;
                slot.Reserved = 0;
            }

            var capacity = e is ModelUnavailableException { Code: EncodeFailure.ModelCapacity };
            _telemetry.ModelLoads.Add(1, Tag(slot), new("outcome", capacity ? "no_room" : "failed"));
            if (!capacity)
            {
                LogLoadFailed(_logger, id, e.Message);
            }

            throw;
        }
        finally
        {
            _loads.Release();
        }
    }

    // Picks what to evict so that `bytes` more fit, detaching the victims from new requests, and reserves the room.
    private List<(ModelSlot, ModelHost, DateTimeOffset)> MakeRoom(ModelSlot loading, long bytes)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            // Collection indexes live in the same memory: a silo full of vectors holds fewer models (and evicts idle ones sooner).
            var used = _slots.Values.Where(a => a != loading).Sum(a => (a.Host is null ? 0 : a.Bytes) + a.Reserved) + (_collections?.TotalBytes ?? 0);
            var victims = new List<ModelSlot>();
            foreach (var candidate in _slots.Values
                .Where(a => a != loading && a.Host is not null && a.InUse == 0 && a.Deployment.MinCopies == 0 && now - a.LoadedAt >= _models.MinResidency)
                .OrderBy(a => a.LastUsed))
            {
                if (used + bytes <= MemoryBudget)
                {
                    break;
                }

                victims.Add(candidate);
                used -= candidate.Bytes;
            }

            if (used + bytes > MemoryBudget)
            {
                // Busy models past their residency are paused — new requests turned away until they drain — so a model
                // kept busy by one tenant cannot keep another tenant's model out for ever: the waiting model loads on a
                // retry once they are idle, and models take turns of at least MinResidency each.
                var freed = 0L;
                foreach (var busy in _slots.Values
                    .Where(a => a != loading && a.Host is not null && a.InUse > 0 && a.Deployment.MinCopies == 0 && now - a.LoadedAt >= _models.MinResidency)
                    .OrderBy(a => a.LoadedAt))
                {
                    if (used - freed + bytes <= MemoryBudget)
                    {
                        break;
                    }

                    busy.PausedUntil = now + PauseTime;
                    freed += busy.Bytes;
                }

                if (freed > 0 && used - freed + bytes <= MemoryBudget)
                {
                    throw new ModelUnavailableException(
                        EncodeFailure.ModelCapacity,
                        $"This server is making room for the model '{loading.Deployment.Id}': the models it replaces are finishing their work; retry in a few seconds.");
                }

                throw new ModelUnavailableException(
                    EncodeFailure.ModelCapacity,
                    $"This server has no room for the model '{loading.Deployment.Id}' now: the models loaded are in use or were loaded less than {_models.MinResidency.TotalSeconds:0} s ago; retry shortly.");
            }

            loading.Reserved = bytes;
            return [.. victims.Select(v => (v, Detach(v), v.LoadedAt))];
        }
    }

    // How long a paused model turns requests away when the model waiting for its memory does not come back to load.
    private static readonly TimeSpan PauseTime = TimeSpan.FromSeconds(15);

    // Called under _gate: new requests start a new load from now on.
    private static ModelHost Detach(ModelSlot slot)
    {
        slot.PausedUntil = DateTimeOffset.MinValue;
        var host = slot.Host!;
        slot.Host = null;
        slot.Load = null;
        return host;
    }

    private async Task UnloadAsync(ModelSlot slot, ModelHost host, DateTimeOffset loadedAt, string reason)
    {
        // Queued work finishes first; then the sessions' native memory is released and handed back to the system.
        await host.DisposeAsync();
        Inference.Onnx.NativeHeap.Trim();
        _telemetry.ModelUnloads.Add(1, Tag(slot), new("reason", reason));
        _telemetry.ModelAgeAtUnload.Record((_time.GetUtcNow() - loadedAt).TotalSeconds, Tag(slot), new("reason", reason));
        LogUnloaded(_logger, slot.Deployment.Id, reason);
    }

    private static KeyValuePair<string, object?> Tag(ModelSlot slot) => new("model", slot.Deployment.Id);

    private async Task<ModelHost> Wait(Task<ModelHost> load, DateTimeOffset deadline)
    {
        var wait = deadline - _time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            throw new TimeoutException();
        }

        return await load.WaitAsync(wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait, _time);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Model {Model} loaded from {Folder} ({Megabytes} MB of graphs, {Dimension}-d embeddings): vision session {VisionMs} ms, text session {TextMs} ms ({Graphs}), warm-up {WarmUpMs} ms")]
    private static partial void LogLoaded(ILogger logger, string model, string folder, long megabytes, int dimension, long visionMs, long textMs, string graphs, long warmUpMs);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Model {Model} could not be loaded: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Model {Model} unloaded ({Reason})")]
    private static partial void LogUnloaded(ILogger logger, string model, string reason);

    /// <summary>One deployment's slot on this silo; every field is guarded by the registry's lock.</summary>
    internal sealed class ModelSlot(ModelDeploymentOptions deployment)
    {
        public ModelDeploymentOptions Deployment { get; } = deployment;

        public Task<ModelHost>? Load { get; set; }

        public ModelHost? Host { get; set; }

        public long Bytes { get; set; }

        public long Reserved { get; set; }

        public int InUse { get; set; }

        public DateTimeOffset LastUsed { get; set; }

        public DateTimeOffset LoadedAt { get; set; }

        /// <summary>
        /// Until when new requests are turned away so the model drains and another may load in its place (it has been
        /// loaded past its residency and another model is waiting for its memory); MinValue when not paused.
        /// </summary>
        public DateTimeOffset PausedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
