using Orleans.Concurrency;

namespace ClipGrains.Abstractions.LabelSets;

/// <summary>The names of one tenant's label sets (keyed by tenant id), for listing.</summary>
[Alias("clipgrains.ILabelSetIndexGrain")]
public interface ILabelSetIndexGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records <paramref name="name"/> as holding <paramref name="bytes"/> of stored data (replacing what it held) when the
    /// tenant stays within <paramref name="maxSets"/> sets and <paramref name="maxBytes"/> bytes; otherwise changes nothing
    /// and returns why. The single writer of a tenant's label-set quota.
    /// </summary>
    [Alias("Reserve")]
    Task<string?> Reserve(string name, long bytes, int maxSets, long maxBytes);

    /// <summary>Forgets a name; idempotent.</summary>
    [Alias("Remove")]
    Task Remove(string name);

    /// <summary>All names, ordinal order.</summary>
    [AlwaysInterleave, Alias("List")]
    Task<IReadOnlyList<string>> List();
}
