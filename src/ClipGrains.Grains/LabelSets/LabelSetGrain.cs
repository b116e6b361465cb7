using ClipGrains.Abstractions.LabelSets;
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

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Label set {Name} v{Version} built: {Labels} labels")]
    private static partial void LogBuilt(ILogger logger, string name, int version, int labels);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Label set {Name}: settling its build's charge failed; retried on its next activation")]
    private static partial void LogSettleDeferred(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Label set {Name} v{Version} charged for {Computed} of {Prompts} prompts: {Credits} credits")]
    private static partial void LogSettled(ILogger logger, string name, int version, int computed, int prompts, long credits);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Label set {Name} v{Version} build failed")]
    private static partial void LogBuildFailed(ILogger logger, Exception exception, string name, int version);
}
