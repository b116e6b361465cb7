using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>All tenant ids, persisted before replying.</summary>
internal sealed class TenantDirectoryGrain(
    [PersistentState("tenant-directory", ClipGrainsStorage.Name)] IPersistentState<NameSetState> state) : Grain, ITenantDirectoryGrain
{
    public async Task Add(string tenantId)
    {
        if (state.State.Names.Add(tenantId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.Names.ToList());
}
