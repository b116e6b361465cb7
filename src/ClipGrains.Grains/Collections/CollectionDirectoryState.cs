namespace ClipGrains.Grains.Collections;

/// <summary>A tenant's collections and the items and bytes each holds (what its quota counts).</summary>
[GenerateSerializer, Alias("clipgrains.collection-directory-state")]
internal sealed class CollectionDirectoryState
{
    [Id(0)] public SortedSet<string> Names { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public Dictionary<string, long> Items { get; set; } = new(StringComparer.Ordinal);

    [Id(2)] public Dictionary<string, long> Bytes { get; set; } = new(StringComparer.Ordinal);
}
