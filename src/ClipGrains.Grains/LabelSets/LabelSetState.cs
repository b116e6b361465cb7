using ClipGrains.Abstractions.LabelSets;

namespace ClipGrains.Grains.LabelSets;

/// <summary>Persisted state of a label set: its definition, status and the charge of its build (the matrix is <see cref="LabelMatrixState"/>).</summary>
[GenerateSerializer, Alias("clipgrains.label-set-state")]
internal sealed class LabelSetState
{
    [Id(0)] public LabelSetDefinition? Definition { get; set; }

    [Id(1)] public int Version { get; set; }

    [Id(2)] public LabelSetStatus Status { get; set; }

    /// <summary>
    /// The matrix as sets stored before it had a state of its own (<see cref="LabelMatrixState"/>); moved there on the
    /// set's next activation, null afterwards.
    /// </summary>
    [Id(3)] public float[]? LegacyMatrix { get; set; }

    [Id(4)] public int Dimension { get; set; }

    [Id(5)] public DateTimeOffset CreatedAt { get; set; }

    [Id(6)] public DateTimeOffset UpdatedAt { get; set; }

    [Id(7)] public string? Error { get; set; }

    /// <summary>The reservation of the current version's build until it is settled (persisted so a restart settles it).</summary>
    [Id(8)] public BuildCharge? Charge { get; set; }

    public bool Exists => Definition is not null;
}
