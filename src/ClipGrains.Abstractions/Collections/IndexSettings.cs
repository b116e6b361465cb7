namespace ClipGrains.Abstractions.Collections;

/// <summary>
/// How a collection's shards index their vectors: <c>auto</c> scans exactly while a shard holds at most
/// <see cref="FlatLimit"/> items and builds an HNSW graph above it; <c>flat</c> always scans; <c>hnsw</c> always builds.
/// </summary>
/// <param name="Kind"><c>auto</c>, <c>flat</c> or <c>hnsw</c>.</param>
/// <param name="Quantization">The graph's vector type: <c>i8</c>, <c>f16</c> or <c>f32</c>.</param>
/// <param name="Connectivity">HNSW's M: links per node.</param>
/// <param name="ExpansionAdd">HNSW's ef_construction.</param>
/// <param name="ExpansionSearch">HNSW's ef at search time (a query may ask for more, never less than top_k).</param>
/// <param name="FlatLimit">Items per shard up to which <c>auto</c> scans exactly.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.index-settings")]
public sealed record IndexSettings(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Quantization,
    [property: Id(2)] int Connectivity,
    [property: Id(3)] int ExpansionAdd,
    [property: Id(4)] int ExpansionSearch,
    [property: Id(5)] int FlatLimit)
{
    /// <summary>The index kinds.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["auto", "flat", "hnsw"];

    /// <summary>The graph vector types.</summary>
    public static IReadOnlyList<string> Quantizations { get; } = ["i8", "f16", "f32"];

    /// <summary>Whether a shard of <paramref name="items"/> items uses the graph.</summary>
    public bool UsesGraph(int items) => Kind == "hnsw" || (Kind == "auto" && items > FlatLimit);
}
