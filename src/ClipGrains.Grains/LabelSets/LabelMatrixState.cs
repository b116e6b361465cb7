namespace ClipGrains.Grains.LabelSets;

/// <summary>
/// The built matrix of a label set, persisted apart from its definition and billing (<see cref="LabelSetState"/>) so
/// the megabytes of floats are written once per version, not again with every change of status or charge.
/// </summary>
[GenerateSerializer, Alias("clipgrains.label-matrix-state")]
internal sealed class LabelMatrixState
{
    /// <summary>The version the matrix belongs to; 0 for none.</summary>
    [Id(0)] public int Version { get; set; }

    /// <summary>Row-major unit embeddings, one row per label.</summary>
    [Id(1)] public float[]? Matrix { get; set; }
}
