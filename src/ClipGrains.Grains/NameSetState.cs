namespace ClipGrains.Grains;

/// <summary>A persisted set of names (a tenant's label sets, all tenant ids), ordinal order.</summary>
// The alias predates the rename and names data already stored; it must not change.
[GenerateSerializer, Alias("clipgrains.label-set-index-state")]
internal sealed class NameSetState
{
    [Id(0)] public SortedSet<string> Names { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Stored bytes per name, where the set counts against a quota (label sets).</summary>
    [Id(1)] public Dictionary<string, long> Sizes { get; set; } = new(StringComparer.Ordinal);
}
