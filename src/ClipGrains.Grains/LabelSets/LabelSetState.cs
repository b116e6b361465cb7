using ClipGrains.Abstractions.LabelSets;

namespace ClipGrains.Grains.LabelSets;

/// <summary>Persisted state of a label set. The matrix is stored as floats by the binary serializer, not as JSON text.</summary>
[GenerateSerializer, Alias("clipgrains.label-set-state")]
internal sealed class LabelSetState
{
    [Id(0)] public LabelSetDefinition? Definition { get; set; }

    [Id(1)] public int Version { get; set; }

    [Id(2)] public LabelSetStatus Status { get; set; }

    /// <summary>Row-major unit embeddings of <see cref="Version"/>; null until built.</summary>
    [Id(3)] public float[]? Matrix { get; set; }

    [Id(4)] public int Dimension { get; set; }

    [Id(5)] public DateTimeOffset CreatedAt { get; set; }

    [Id(6)] public DateTimeOffset UpdatedAt { get; set; }

    [Id(7)] public string? Error { get; set; }

    /// <summary>The reservation of the current version's build until it is settled (persisted so a restart settles it).</summary>
    [Id(8)] public BuildCharge? Charge { get; set; }

    public bool Exists => Definition is not null;
}
