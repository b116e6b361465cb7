namespace ClipGrains.Grains.LabelSets;

/// <summary>Persisted names of one tenant's label sets.</summary>
[GenerateSerializer, Alias("clipgrains.label-set-index-state")]
internal sealed class LabelSetIndexState
{
    [Id(0)] public SortedSet<string> Names { get; set; } = new(StringComparer.Ordinal);
}
