namespace ClipGrains.Abstractions.Encoding;

/// <summary>Whether one silo holds a model now.</summary>
/// <param name="Model">The deployment's id.</param>
/// <param name="Loaded">Loaded and serving.</param>
/// <param name="Loading">Being loaded.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.model-copy-state")]
public sealed record ModelCopyState(
    [property: Id(0)] string Model,
    [property: Id(1)] bool Loaded,
    [property: Id(2)] bool Loading);
