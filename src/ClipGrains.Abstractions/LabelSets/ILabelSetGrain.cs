using Orleans.Concurrency;

namespace ClipGrains.Abstractions.LabelSets;

/// <summary>
/// One label set, keyed <c>{tenant}/{name}</c> (see <see cref="LabelSetKey"/>). The single activation in the
/// cluster computes the matrix once per version, persists it in binary, and serves it to silo caches.
/// </summary>
[Alias("clipgrains.ILabelSetGrain")]
public interface ILabelSetGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the set and starts computing its matrix; <see cref="LabelSetWriteOutcome.AlreadyExists"/> if it exists. When
    /// created, the set owns <paramref name="charge"/> (null when metering is off) and settles it when the build ends.
    /// </summary>
    [Alias("Create")]
    Task<LabelSetWriteResult> Create(LabelSetDefinition definition, BuildCharge? charge);

    /// <summary>
    /// Replaces labels and templates. A changed definition bumps the version and recomputes; an identical one
    /// is <see cref="LabelSetWriteOutcome.Unchanged"/>. <paramref name="expectedVersion"/> implements If-Match. Only a
    /// <see cref="LabelSetWriteOutcome.Replaced"/> result takes <paramref name="charge"/>; the caller refunds it otherwise.
    /// </summary>
    [Alias("Replace")]
    Task<LabelSetWriteResult> Replace(LabelSetDefinition definition, int? expectedVersion, BuildCharge? charge);

    /// <summary>Deletes the set and its matrix; a build still running is charged for what it computed.</summary>
    [Alias("Delete")]
    Task<LabelSetWriteResult> Delete(int? expectedVersion);

    /// <summary>The current state, or null when the set does not exist.</summary>
    [AlwaysInterleave, Alias("GetInfo")]
    Task<LabelSetInfo?> GetInfo();

    /// <summary>
    /// Waits until <paramref name="version"/> is built (or failed, or replaced) or <paramref name="timeout"/> passes,
    /// then returns the current state. Lets an API caller ask for a ready label set in one request.
    /// </summary>
    [AlwaysInterleave, Alias("WaitForBuild")]
    Task<LabelSetInfo?> WaitForBuild(int version, TimeSpan timeout);

    /// <summary>The matrix of <paramref name="version"/>, or null when that version is not (or no longer) ready.</summary>
    [AlwaysInterleave, Alias("GetMatrix")]
    Task<LabelMatrix?> GetMatrix(int version);
}
