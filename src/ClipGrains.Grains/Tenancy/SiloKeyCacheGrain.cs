using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Placement;
using Orleans.Concurrency;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// Hands a key's invalidation to this silo's verdict caches (the gateway registers one; a silo without a gateway has
/// none). Keyed by the silo address and placed on exactly that silo.
/// </summary>
[SiloTargetedPlacement]
[Reentrant]
internal sealed class SiloKeyCacheGrain(IEnumerable<IKeyVerdictCache> caches) : Grain, ISiloKeyCacheGrain
{
    public Task Forget(string keyId)
    {
        foreach (var cache in caches)
        {
            cache.Forget(keyId);
        }

        return Task.CompletedTask;
    }
}
