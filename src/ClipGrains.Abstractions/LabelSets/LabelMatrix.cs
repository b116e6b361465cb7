namespace ClipGrains.Abstractions.LabelSets;

/// <summary>
/// A label set's ensembled, unit text embeddings: <see cref="Labels"/>.Count rows of <see cref="Dimension"/>
/// floats, row-major. Fetched once per silo and version, then served from that silo's cache.
/// </summary>
/// <param name="Version">The label-set version these rows belong to.</param>
/// <param name="Labels">Row labels.</param>
/// <param name="Matrix">Row-major unit embeddings.</param>
/// <param name="Dimension">Embedding width.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.label-matrix")]
public sealed record LabelMatrix(
    [property: Id(0)] int Version,
    [property: Id(1)] IReadOnlyList<string> Labels,
    [property: Id(2)] float[] Matrix,
    [property: Id(3)] int Dimension);
