namespace ClipGrains.Abstractions.LabelSets;

/// <summary>Where a label set's embedding matrix stands.</summary>
public enum LabelSetStatus
{
    /// <summary>The matrix for the current version is being computed.</summary>
    Building = 0,

    /// <summary>The matrix is computed and persisted; classification can use it.</summary>
    Ready = 1,

    /// <summary>Computing the matrix failed; <see cref="LabelSetInfo.Error"/> says why. A replace retries.</summary>
    Failed = 2,
}
