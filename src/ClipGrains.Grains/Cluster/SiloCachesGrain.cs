using ClipGrains.Abstractions.Cluster;
using ClipGrains.Grains.LabelSets;
using ClipGrains.Grains.Placement;
using ClipGrains.Grains.Tenancy;
using Orleans.Concurrency;

namespace ClipGrains.Grains.Cluster;

/// <summary>Hands an invalidation to this silo's caches. Keyed by the silo address and placed on exactly that silo.</summary>
[SiloTargetedPlacement]
[Reentrant]
internal sealed class SiloCachesGrain(IEnumerable<IKeyVerdictCache> keys, RecentRefusals refusals, AdmissionProbe probe, Tenancy.Leases.SiloLeases leases, LabelMatrixCache labelSets) : Grain, ISiloCachesGrain
{
    public Task Forget(string keyId)
    {
        foreach (var cache in keys)
        {
            cache.Forget(keyId);
        }

        return Task.CompletedTask;
    }

    public Task ForgetTenant(string tenant)
    {
        refusals.Forget(tenant);
        probe.Forget(tenant);
        return Task.CompletedTask;
    }

    public Task TakeBackLease(string tenant)
    {
        leases.TakeBack(tenant);
        probe.Forget(tenant);
        return Task.CompletedTask;
    }

    public Task ForgetLabelSet(string tenant, string name)
    {
        labelSets.Forget(tenant, name);
        return Task.CompletedTask;
    }
}
