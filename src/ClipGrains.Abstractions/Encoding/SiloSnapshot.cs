namespace ClipGrains.Abstractions.Encoding;

/// <summary>What one silo reports to the others: its image load and the models it holds or is loading.</summary>
/// <param name="Load">Images queued or being inferred there, over every model.</param>
/// <param name="Models">Each configured model's state there.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.silo-snapshot")]
public sealed record SiloSnapshot(
    [property: Id(0)] int Load,
    [property: Id(1)] ModelCopyState[] Models)
{
    /// <summary>Whether the silo holds <paramref name="model"/> loaded.</summary>
    public bool Holds(string model) => Models.Any(m => m.Loaded && m.Model == model);

    /// <summary>Whether the silo is loading <paramref name="model"/>.</summary>
    public bool IsLoading(string model) => Models.Any(m => m.Loading && m.Model == model);
}
