using ClipGrains.Abstractions.Collections;

namespace ClipGrains.Grains.Collections;

/// <summary>A collection's persisted definition and counts; null <see cref="Info"/> means it does not exist.</summary>
[GenerateSerializer, Alias("clipgrains.collection-state")]
internal sealed class CollectionState
{
    [Id(0)] public CollectionInfo? Info { get; set; }
}
