using ClipGrains.Abstractions.LabelSets;

namespace ClipGrains.Grains.LabelSets;

/// <summary>One tenant's label-set names and their stored sizes, the single writer of its label-set quota; writes persist before they reply.</summary>
internal sealed class LabelSetIndexGrain(
    [PersistentState("labelset-index", ClipGrainsStorage.Name)] IPersistentState<NameSetState> state) : Grain, ILabelSetIndexGrain
{
    public async Task<string?> Reserve(string name, long bytes, int maxSets, long maxBytes)
    {
        var s = state.State;
        var isNew = !s.Names.Contains(name);
        if (isNew && s.Names.Count >= maxSets)
        {
            return $"This tenant has {s.Names.Count} label sets, the most allowed ({maxSets}); delete one first.";
        }

        var total = s.Sizes.Values.Sum() - s.Sizes.GetValueOrDefault(name) + bytes;
        if (total > maxBytes)
        {
            return $"Label sets would take {total} bytes, more than this tenant's {maxBytes}; delete or shrink a label set first.";
        }

        s.Names.Add(name);
        s.Sizes[name] = bytes;
        await state.WriteStateAsync();
        return null;
    }

    public async Task Remove(string name)
    {
        if (state.State.Names.Remove(name) | state.State.Sizes.Remove(name))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.Names.ToList());
}
