using Orleans.Concurrency;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Scoring;

namespace ClipGrains.Grains.LabelSets;

// The build of a version: prompts encoded in whole labels through the model router, the matrix handed back through
// the grain's own reference (ILabelSetBuildSink) so its result is applied on the grain's scheduler, in order.
internal sealed partial class LabelSetGrain
{
    async Task ILabelSetBuildSink.Complete(int version, Immutable<float[]> matrix, int dimension)
    {
        if (state.State.Version != version || state.State.Status != LabelSetStatus.Building)
        {
            return; // A newer version replaced this one while it was being built.
        }

        // The matrix is written once, into its own state, before the set says it is ready.
        matrixState.State = new LabelMatrixState { Version = version, Matrix = matrix.Value };
        await matrixState.WriteStateAsync();
        state.State.Dimension = dimension;
        state.State.Status = LabelSetStatus.Ready;
        state.State.Error = null;
        state.State.Charge = state.State.Charge is { } charge ? charge with { Computed = charge.Prompts } : null;
        await EndBuildAsync();
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
        state.State.Charge = state.State.Charge is { } charge ? charge with { Computed = _promptsDone } : null;
        await EndBuildAsync();
    }

    // The version's outcome persisted and pushed to every silo, then its charge settled — before waiters are released,
    // so a caller that waited for the build sees its charge committed.
    private async Task EndBuildAsync()
    {
        await state.WriteStateAsync();
        await ForgetEverywhereAsync();
        try
        {
            await SettleChargeAsync();
        }
        finally
        {
            _built.TrySetResult();
        }
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
            // Whole labels per call, each ensembled as soon as its prompts return: a build holds the matrix and one
            // call's vectors, never every prompt's vector (80,000 × 512 floats for ImageNet's 80 templates).
            var templates = definition.Templates.Count;
            var labelsPerCall = Math.Max(1, options.Value.PromptsPerCall / templates);
            var deadline = time.GetUtcNow() + options.Value.BuildTimeout;
            float[]? matrix = null;
            var dimension = 0;
            for (var first = 0; first < definition.Labels.Count;)
            {
                if (state.State.Version != version)
                {
                    return;
                }

                var labels = definition.Labels.Skip(first).Take(labelsPerCall).ToList();
                var prompts = LabelEnsemble.Prompts(labels, definition.Templates);
                if (await EncodeWhenThereIsRoomAsync(prompts, definition.Model, deadline) is not { } vectors)
                {
                    // The queue had no room for this many: a call larger than the tenant's share of the queue would
                    // never fit, so smaller calls are tried (down to one label) before waiting longer.
                    labelsPerCall = Math.Max(1, labelsPerCall / 2);
                    continue;
                }

                dimension = vectors[0].Length;
                matrix ??= new float[definition.Labels.Count * dimension];
                LabelEnsemble.Into(vectors, templates, matrix, first, dimension);

                _promptsDone += prompts.Count;
                first += labels.Count;
            }

            await self.Complete(version, new Immutable<float[]>(matrix!), dimension);
        }
#pragma warning disable CA1031 // A failed build is recorded on the label set for the user to see, whatever the cause.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogBuildFailed(logger, e, Name, version);
            await self.Fail(version, e is LabelSetBuildException ? e.Message : "Computing the label embeddings failed; replace the label set to retry.");
        }
    }

    // A full text queue is other work's turn, not a failure: after a pause (growing up to 2 s) the caller tries again,
    // with a smaller call, until the build's deadline passes. Timeouts are retried a few times; anything else fails
    // the build. Null means: no room this time.
    private async Task<float[][]?> EncodeWhenThereIsRoomAsync(List<string> prompts, string model, DateTimeOffset deadline)
    {
        var tenant = LabelSetKey.Parse(this.GetPrimaryKeyString()).Tenant;
        for (var timeouts = 0; ; )
        {
            var result = await router.EncodeTextsAsync(new TextBatch(prompts, time.GetUtcNow() + TimeSpan.FromMinutes(5), tenant, model));
            if (result.Failure is null)
            {
                _waitsForRoom = 0;
                return result.Vectors;
            }

            var retry = result.Failure.Code switch
            {
                EncodeFailure.Overloaded => true,
                EncodeFailure.Timeout => ++timeouts < options.Value.MaxAttempts,
                _ => false,
            };
            if (!retry || time.GetUtcNow() >= deadline)
            {
                throw new LabelSetBuildException($"Computing the label embeddings failed: {result.Failure.Message}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 * (1 << Math.Min(++_waitsForRoom, 6)))), time);
            if (result.Failure.Code == EncodeFailure.Overloaded)
            {
                return null;
            }
        }
    }
}
