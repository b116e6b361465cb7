using System.Collections.Concurrent;
using System.Threading.Channels;
using ClipGrains.Abstractions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// Writes deployments' optimised graphs to the silo's optimised-graph cache off the request path, so that a model's
/// load (its first request, a reload after an idle unload or an eviction, a restart) reads them with optimisation off
/// instead of optimising and serialising hundreds of megabytes while a client waits. At start it prepares every
/// deployment whose files are on this machine (<see cref="ModelDeploymentOptions.Path"/>: nothing is downloaded for it)
/// and that is not loaded at start anyway (<see cref="ModelDeploymentOptions.MinCopies"/> 0);
/// <see cref="SiloModels"/> hands it any deployment whose load had to optimise its graphs itself (a hub download, a
/// cache emptied meanwhile). One deployment at a time on a thread of its own: a preparation holds a session's memory
/// for its few seconds and one core, never more.
/// </summary>
public sealed partial class GraphPreparer(IOptions<ModelsOptions> models, ModelLoader loader, ILogger<GraphPreparer> logger) : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    /// <summary>Graphs written since start.</summary>
    public int GraphsWritten => Volatile.Read(ref _written);

    private int _written;

    /// <summary>
    /// Prepares <paramref name="deployment"/>'s graphs (in <paramref name="folder"/>, or where its <see cref="ModelDeploymentOptions.Path"/>
    /// resolves when null) unless a preparation of it is already queued; the task completes when that preparation has
    /// run, whether it wrote anything or failed (a failure is logged: the next load simply optimises again).
    /// </summary>
    public Task EnqueueAsync(ModelDeploymentOptions deployment, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var pending = new Pending(deployment, folder);
        var queued = _pending.GetOrAdd(deployment.Id, pending);
        if (ReferenceEquals(queued, pending) && !_queue.Writer.TryWrite(pending))
        {
            _pending.TryRemove(new(deployment.Id, pending));
            pending.Done.TrySetResult();
        }

        return queued.Done.Task;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Kept deployments (MinCopies) load at start anyway and are handed over once loaded, not optimised twice at once.
        foreach (var deployment in models.Value.Deployments.Where(d => d.Path is { Length: > 0 } && d.MinCopies == 0))
        {
            _ = EnqueueAsync(deployment);
        }

        try
        {
            await foreach (var pending in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await PrepareAsync(pending, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is queued is simply not prepared; loads still work without it.
        }
        finally
        {
            _queue.Writer.TryComplete();
            foreach (var pending in _pending.Values)
            {
                pending.Done.TrySetResult();
            }
        }
    }

    private async Task PrepareAsync(Pending pending, CancellationToken stoppingToken)
    {
        var id = pending.Deployment.Id;
        try
        {
            var folder = pending.Folder ?? await loader.ResolveAsync(pending.Deployment, stoppingToken);

            // Seconds of blocking work: on a thread of its own, never a pool thread serving requests.
            var written = await Task.Factory.StartNew(
                () => loader.Prepare(pending.Deployment, folder), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (written.Count > 0)
            {
                Interlocked.Add(ref _written, written.Count);
                Inference.Onnx.NativeHeap.Trim();
                foreach (var (graph, duration) in written)
                {
                    LogPrepared(logger, id, graph, (long)duration.TotalMilliseconds);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogFailed(logger, id, e.Message);
        }
        finally
        {
            _pending.TryRemove(new(id, pending));
            pending.Done.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Model {Model}: optimised graph {Graph} prepared for later loads in {Milliseconds} ms")]
    private static partial void LogPrepared(ILogger logger, string model, string graph, long milliseconds);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Model {Model}: its optimised graphs could not be prepared ({Reason}); its loads optimise them instead")]
    private static partial void LogFailed(ILogger logger, string model, string reason);

    private sealed class Pending(ModelDeploymentOptions deployment, string? folder)
    {
        public ModelDeploymentOptions Deployment { get; } = deployment;

        public string? Folder { get; } = folder;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
