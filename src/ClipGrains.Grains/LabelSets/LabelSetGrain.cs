using Orleans.Concurrency;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Inference.Scoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.LabelSets;

/// <summary>
/// One label set. Writes persist before they reply; the matrix of each version is computed once, in the
/// background, through the local model host, and persisted in binary. Progress is kept in memory (it is
/// cheap to recompute: a restarted build starts over).
/// </summary>
internal sealed partial class LabelSetGrain(
    [PersistentState("labelset", ClipGrainsStorage.Name)] IPersistentState<LabelSetState> state,
    IOptions<LabelSetBuildOptions> options,
    TimeProvider time,
    ILogger<LabelSetGrain> logger) : Grain, ILabelSetGrain, ILabelSetBuildSink
{
    private int _promptsDone;
    private TaskCompletionSource _built = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Exists && state.State.Status == LabelSetStatus.Building)
        {
            // The silo that was building went away: start over here.
            StartBuild(state.State.Version, state.State.Definition!);
        }

        return Task.CompletedTask;
    }

    public async Task<LabelSetWriteResult> Create(LabelSetDefinition definition)
    {
        if (state.State.Exists)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.AlreadyExists, Info());
        }

        var now = time.GetUtcNow();
        state.State = new LabelSetState { Definition = definition, Version = 1, Status = LabelSetStatus.Building, CreatedAt = now, UpdatedAt = now };
        await state.WriteStateAsync();
        await Index().Add(Name);
        StartBuild(1, definition);
        return new LabelSetWriteResult(LabelSetWriteOutcome.Created, Info());
    }

    public async Task<LabelSetWriteResult> Replace(LabelSetDefinition definition, int? expectedVersion)
    {
        if (!state.State.Exists)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.NotFound, null);
        }

        if (expectedVersion is int expected && expected != state.State.Version)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.VersionMismatch, Info());
        }

        if (state.State.Definition!.SameContent(definition) && state.State.Status != LabelSetStatus.Failed)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.Unchanged, Info());
        }

        var version = state.State.Version + 1;
        state.State = new LabelSetState
        {
            Definition = definition, Version = version, Status = LabelSetStatus.Building,
            CreatedAt = state.State.CreatedAt, UpdatedAt = time.GetUtcNow(),
        };
        await state.WriteStateAsync();
        StartBuild(version, definition);
        return new LabelSetWriteResult(LabelSetWriteOutcome.Replaced, Info());
    }

    public async Task<LabelSetWriteResult> Delete(int? expectedVersion)
    {
        if (!state.State.Exists)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.NotFound, null);
        }

        if (expectedVersion is int expected && expected != state.State.Version)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.VersionMismatch, Info());
        }

        await state.ClearStateAsync();
        _built.TrySetResult();
        await Index().Remove(Name);
        DeactivateOnIdle();
        return new LabelSetWriteResult(LabelSetWriteOutcome.Deleted, null);
    }

    public Task<LabelSetInfo?> GetInfo() => Task.FromResult(state.State.Exists ? Info() : null);

    public async Task<LabelSetInfo?> WaitForBuild(int version, TimeSpan timeout)
    {
        if (state.State.Exists && state.State.Version == version && state.State.Status == LabelSetStatus.Building)
        {
            try
            {
                await _built.Task.WaitAsync(timeout, time);
            }
            catch (TimeoutException)
            {
                // Still building: the caller gets the current progress.
            }
        }

        return state.State.Exists ? Info() : null;
    }

    public Task<LabelMatrix?> GetMatrix(int version)
    {
        var s = state.State;
        return Task.FromResult(s.Exists && s.Version == version && s.Status == LabelSetStatus.Ready && s.Matrix is not null
            ? new LabelMatrix(s.Version, s.Definition!.Labels, s.Matrix, s.Dimension)
            : null);
    }

    async Task ILabelSetBuildSink.Complete(int version, Immutable<float[]> matrix, int dimension)
    {
        if (state.State.Version != version || state.State.Status != LabelSetStatus.Building)
        {
            return; // A newer version replaced this one while it was being built.
        }

        state.State.Matrix = matrix.Value;
        state.State.Dimension = dimension;
        state.State.Status = LabelSetStatus.Ready;
        state.State.Error = null;
        await state.WriteStateAsync();
        _built.TrySetResult();
        LogBuilt(logger, Name, version, state.State.Definition!.Labels.Count);
    }

    async Task ILabelSetBuildSink.Fail(int version, string error)
    {
        if (state.State.Version != version || state.State.Status != LabelSetStatus.Building)
        {
            return;
        }

        state.State.Status = LabelSetStatus.Failed;
        state.State.Error = error;
        await state.WriteStateAsync();
        _built.TrySetResult();
    }

    private string Name => LabelSetKey.Parse(this.GetPrimaryKeyString()).Name;

    private ILabelSetIndexGrain Index() => GrainFactory.GetGrain<ILabelSetIndexGrain>(LabelSetKey.Parse(this.GetPrimaryKeyString()).Tenant);

    private LabelSetInfo Info()
    {
        var s = state.State;
        var total = s.Definition!.Labels.Count * s.Definition.Templates.Count;
        var done = s.Status == LabelSetStatus.Ready ? total : Math.Min(_promptsDone, total);
        return new LabelSetInfo(Name, s.Version, s.Status, s.Definition, done, total, s.CreatedAt, s.UpdatedAt, s.Error);
    }

    private void StartBuild(int version, LabelSetDefinition definition)
    {
        _promptsDone = 0;

        // Waiters on an older version are released: their version will never be built.
        _built.TrySetResult();
        _built = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Builds of large vocabularies outlast the idle-collection age; keep the activation (and its progress) alive.
        DelayDeactivation(TimeSpan.FromHours(2));
        var self = this.AsReference<ILabelSetBuildSink>();
        _ = BuildAsync(version, definition, self);
    }

    private async Task BuildAsync(int version, LabelSetDefinition definition, ILabelSetBuildSink self)
    {
        try
        {
            var encoder = GrainFactory.GetGrain<IEncoderGrain>(0);
            var prompts = definition.Labels.SelectMany(l => definition.Templates.Select(t => PromptTemplate.Apply(t, l))).ToList();
            var vectors = new List<float[]>(prompts.Count);
            for (var start = 0; start < prompts.Count; start += options.Value.PromptsPerCall)
            {
                if (state.State.Version != version)
                {
                    return;
                }

                var chunk = prompts.GetRange(start, Math.Min(options.Value.PromptsPerCall, prompts.Count - start));
                vectors.AddRange(await EncodeWithRetryAsync(encoder, chunk));
                _promptsDone = vectors.Count;
            }

            var dimension = vectors[0].Length;
            var templates = definition.Templates.Count;
            var matrix = new float[definition.Labels.Count * dimension];
            for (var l = 0; l < definition.Labels.Count; l++)
            {
                VectorMath.EnsembleMean(vectors.GetRange(l * templates, templates)).CopyTo(matrix, l * dimension);
            }

            await self.Complete(version, new Immutable<float[]>(matrix), dimension);
        }
#pragma warning disable CA1031 // A failed build is recorded on the label set for the user to see, whatever the cause.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogBuildFailed(logger, e, Name, version);
            await self.Fail(version, e is LabelSetBuildException ? e.Message : "Computing the label embeddings failed; replace the label set to retry.");
        }
    }

    private async Task<float[][]> EncodeWithRetryAsync(IEncoderGrain encoder, List<string> chunk)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await encoder.EncodeTexts(new TextBatch(chunk, time.GetUtcNow() + TimeSpan.FromMinutes(5), LabelSetKey.Parse(this.GetPrimaryKeyString()).Tenant));
            if (result.Failure is null)
            {
                return result.Vectors;
            }

            if (result.Failure.Code != EncodeFailure.Overloaded || attempt >= options.Value.MaxAttempts)
            {
                throw new LabelSetBuildException($"Computing the label embeddings failed: {result.Failure.Message}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100 * (1 << Math.Min(attempt, 6))), time);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Label set {Name} v{Version} built: {Labels} labels")]
    private static partial void LogBuilt(ILogger logger, string name, int version, int labels);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Label set {Name} v{Version} build failed")]
    private static partial void LogBuildFailed(ILogger logger, Exception exception, string name, int version);
}
