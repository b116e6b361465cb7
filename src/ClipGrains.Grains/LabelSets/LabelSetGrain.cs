using Orleans.Concurrency;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Scoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.LabelSets;

/// <summary>
/// One label set. Writes persist before they reply; the matrix of each version is computed once, in the
/// background, through the local model host, and persisted in binary. Progress is kept in memory (it is
/// cheap to recompute: a restarted build starts over). The set owns the credit reservation of the version it builds
/// (persisted with the version) and settles it when the build ends, on whichever silo that happens: completed, it
/// commits the whole price; failed, deleted or replaced first, it commits the prompts computed and releases the rest.
/// </summary>
internal sealed partial class LabelSetGrain(
    [PersistentState("labelset", ClipGrainsStorage.Name)] IPersistentState<LabelSetState> state,
    [PersistentState("labelmatrix", ClipGrainsStorage.Name)] IPersistentState<LabelMatrixState> matrixState,
    IOptions<LabelSetBuildOptions> options,
    Serving.SiloModels models,
    Cluster.ModelRouter router,
    TimeProvider time,
    IClusterMembershipService membership,
    ILogger<LabelSetGrain> logger) : Grain, ILabelSetGrain, ILabelSetBuildSink
{
    private int _promptsDone;
    private int _waitsForRoom;
    private TaskCompletionSource _built = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.LegacyMatrix is { } legacy)
        {
            // Stored before the matrix had a state of its own: moved there once (the matrix first, so a crash in between
            // leaves both copies, never none).
            matrixState.State = new LabelMatrixState { Version = state.State.Version, Matrix = legacy };
            await matrixState.WriteStateAsync(cancellationToken);
            state.State.LegacyMatrix = null;
            await state.WriteStateAsync(cancellationToken);
        }

        if (state.State.Exists && state.State.Status == LabelSetStatus.Building)
        {
            // The silo that was building went away: start over here (the reservation is still the set's).
            StartBuild(state.State.Version, state.State.Definition!);
        }
        else if (state.State.Charge is { Computed: not null })
        {
            // The build ended but the silo went away before its charge was settled.
            try
            {
                await SettleChargeAsync();
            }
#pragma warning disable CA1031 // The ledger unreachable now: the charge stays recorded and is settled on a later activation.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogSettleDeferred(logger, e, Name);
            }
        }
    }

    public async Task<LabelSetWriteResult> Create(LabelSetDefinition definition, BuildCharge? charge)
    {
        if (state.State.Exists)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.AlreadyExists, Info());
        }

        if (await ReserveQuotaAsync(definition) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        state.State = new LabelSetState
        {
            Definition = definition, Version = 1, Status = LabelSetStatus.Building, CreatedAt = now, UpdatedAt = now, Charge = charge,
        };
        await state.WriteStateAsync();
        StartBuild(1, definition);
        await ForgetEverywhereAsync();
        return new LabelSetWriteResult(LabelSetWriteOutcome.Created, Info());
    }

    public async Task<LabelSetWriteResult> Replace(LabelSetDefinition definition, int? expectedVersion, BuildCharge? charge)
    {
        if (!state.State.Exists)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.NotFound, null);
        }

        // A replace that names no model keeps the set's; naming another one moves the set, which rebuilds it.
        if (definition.Model.Length == 0)
        {
            definition = definition with { Model = state.State.Definition!.Model };
        }

        if (expectedVersion is int expected && expected != state.State.Version)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.VersionMismatch, Info());
        }

        if (state.State.Definition!.SameContent(definition) && state.State.Status != LabelSetStatus.Failed)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.Unchanged, Info());
        }

        if (await ReserveQuotaAsync(definition) is { } refused)
        {
            return refused with { Info = Info() };
        }

        // A version still building is abandoned: it pays for what it computed before the new one takes over.
        await EndChargeAsync(_promptsDone);
        var version = state.State.Version + 1;
        state.State = new LabelSetState
        {
            Definition = definition, Version = version, Status = LabelSetStatus.Building,
            CreatedAt = state.State.CreatedAt, UpdatedAt = time.GetUtcNow(), Charge = charge,
        };
        await state.WriteStateAsync();
        StartBuild(version, definition);
        await ForgetEverywhereAsync();
        return new LabelSetWriteResult(LabelSetWriteOutcome.Replaced, Info());
    }

    public async Task<LabelSetWriteResult> Delete(int? expectedVersion)
    {
        if (!state.State.Exists)
        {
            // A quota reservation whose set was never written (its write failed) is released here.
            await Index().Remove(Name);
            return new LabelSetWriteResult(LabelSetWriteOutcome.NotFound, null);
        }

        if (expectedVersion is int expected && expected != state.State.Version)
        {
            return new LabelSetWriteResult(LabelSetWriteOutcome.VersionMismatch, Info());
        }

        await EndChargeAsync(_promptsDone);
        await state.ClearStateAsync();
        await matrixState.ClearStateAsync();
        _built.TrySetResult();
        await Index().Remove(Name);
        await ForgetEverywhereAsync();
        DeactivateOnIdle();
        return new LabelSetWriteResult(LabelSetWriteOutcome.Deleted, null);
    }

    public Task<LabelSetInfo?> GetInfo() => Task.FromResult(state.State.Exists ? Info() : null);

    public async Task<LabelSetInfo?> WaitForBuild(int version, TimeSpan timeout)
    {
        // A build that ended is waited for until its charge is settled too, so a caller that waited sees it committed.
        var settling = state.State.Charge is { Computed: not null };
        if (state.State.Exists && state.State.Version == version && (state.State.Status == LabelSetStatus.Building || settling))
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
        var m = matrixState.State;
        return Task.FromResult(s.Exists && s.Version == version && s.Status == LabelSetStatus.Ready && m.Version == version && m.Matrix is not null
            ? new LabelMatrix(s.Version, s.Definition!.Labels, m.Matrix, s.Dimension)
            : null);
    }

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
        await state.WriteStateAsync();
        await ForgetEverywhereAsync();
        try
        {
            // Settled before waiters are released, so a caller that waited for the build sees its charge committed.
            await SettleChargeAsync();
        }
        finally
        {
            _built.TrySetResult();
        }
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

    // Records how much of the current version's build was computed and settles its charge (a no-op without one).
    private async Task EndChargeAsync(int computed)
    {
        if (state.State.Charge is { Computed: null } running)
        {
            state.State.Charge = running with { Computed = state.State.Status == LabelSetStatus.Ready ? running.Prompts : computed };
            await state.WriteStateAsync();
        }

        await SettleChargeAsync();
    }

    // Commits the computed part of the recorded charge and releases the rest; the ledger ignores a repeated settlement,
    // so a crash between the settlement and the write below only repeats a no-op.
    private async Task SettleChargeAsync()
    {
        if (state.State.Charge is not { Computed: int computed } charge)
        {
            return;
        }

        var credits = charge.CreditsFor(computed);
        await GrainFactory.GetGrain<ITenantGrain>(charge.Tenant)
            .Settle(new Settlement(charge.ReservationId, Commit: credits > 0, credits, 0, credits > 0 ? Math.Min(computed, charge.Prompts) : 0, Model: charge.Model, KeyId: charge.KeyId, Route: charge.Route));
        state.State.Charge = null;
        await state.WriteStateAsync();
        LogSettled(logger, Name, state.State.Version, computed, charge.Prompts, credits);
    }

    // Taken in the tenant's index before the write: the index is the single writer of the tenant's quota. A crash
    // between the two leaves the size recorded for a set that was not written, which its next write or delete corrects.
    private async Task<LabelSetWriteResult?> ReserveQuotaAsync(LabelSetDefinition definition)
    {
        var o = options.Value;
        // The matrix's size depends on the model's embedding size, known once it is loaded; CLIP ViT-B's 512 until then.
        var dimension = models.LoadedDimension(definition.Model.Length == 0 ? null : definition.Model) ?? 512;
        var refusal = await Index().Reserve(Name, LabelSetBuildOptions.StoredBytes(definition, dimension), o.MaxSetsPerTenant, o.MaxStoredBytesPerTenant);
        return refusal is null ? null : new LabelSetWriteResult(LabelSetWriteOutcome.QuotaExceeded, null, refusal);
    }

    // Silos keep a ready set's description for classifications (LabelMatrixCache): every change of version or status
    // reaches them before the call that made it returns; a silo the push missed serves it at most InfoCacheTime longer.
    private Task ForgetEverywhereAsync()
    {
        var (tenant, name) = LabelSetKey.Parse(this.GetPrimaryKeyString());
        return Cluster.EverySilo.TellAsync(GrainFactory, membership, time, silo => silo.ForgetLabelSet(tenant, name));
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

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Label set {Name} v{Version} built: {Labels} labels")]
    private static partial void LogBuilt(ILogger logger, string name, int version, int labels);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Label set {Name}: settling its build's charge failed; retried on its next activation")]
    private static partial void LogSettleDeferred(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Label set {Name} v{Version} charged for {Computed} of {Prompts} prompts: {Credits} credits")]
    private static partial void LogSettled(ILogger logger, string name, int version, int computed, int prompts, long credits);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Label set {Name} v{Version} build failed")]
    private static partial void LogBuildFailed(ILogger logger, Exception exception, string name, int version);
}
