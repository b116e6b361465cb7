using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Placement;
using Orleans.Concurrency;

namespace ClipGrains.Grains.Tenancy;

/// <summary>Hands a key's or a tenant's invalidation to this silo's caches. Keyed by the silo address and placed on exactly that silo.</summary>
[SiloTargetedPlacement]
[Reentrant]
internal sealed class SiloTenancyCacheGrain(IEnumerable<IKeyVerdictCache> caches, RecentRefusals refusals) : Grain, ISiloTenancyCacheGrain
{
    public Task Forget(string keyId)
    {
        foreach (var cache in caches)
        {
            cache.Forget(keyId);
        }

        return Task.CompletedTask;
    }

    public Task ForgetTenant(string tenant)
    {
        refusals.Forget(tenant);
        return Task.CompletedTask;
    }
}
