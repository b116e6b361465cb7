using ClipGrains.Abstractions.LabelSets;

namespace ClipGrains.Grains.LabelSets;

/// <summary>One tenant's label-set names; writes persist before they reply.</summary>
internal sealed class LabelSetIndexGrain(
    [PersistentState("labelset-index", ClipGrainsStorage.Name)] IPersistentState<NameSetState> state) : Grain, ILabelSetIndexGrain
{
    public async Task Add(string name)
    {
        if (state.State.Names.Add(name))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Remove(string name)
    {
        if (state.State.Names.Remove(name))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.Names.ToList());
}
