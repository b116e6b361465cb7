using Orleans.Concurrency;

namespace ClipGrains.Abstractions.LabelSets;

/// <summary>The names of one tenant's label sets (keyed by tenant id), for listing.</summary>
[Alias("clipgrains.ILabelSetIndexGrain")]
public interface ILabelSetIndexGrain : IGrainWithStringKey
{
    /// <summary>Records a name; idempotent.</summary>
    [Alias("Add")]
    Task Add(string name);

    /// <summary>Forgets a name; idempotent.</summary>
    [Alias("Remove")]
    Task Remove(string name);

    /// <summary>All names, ordinal order.</summary>
    [AlwaysInterleave, Alias("List")]
    Task<IReadOnlyList<string>> List();
}
