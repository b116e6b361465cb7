using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Cluster;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// This silo's key check (<see cref="IKeyAuthenticator"/>): ids known not to exist are refused without a grain call
/// (<see cref="UnknownKeyIds"/>), a secret that authenticated within the cache time is trusted (<see cref="KeyVerdicts"/>),
/// anything else asks the key's grain. Both caches are the silo's, invalidated by pushes from the key's grain.
/// </summary>
internal sealed class SiloKeyAuthenticator(IGrainFactory grains, UnknownKeyIds unknown, KeyVerdicts verdicts) : IKeyAuthenticator
{
    public async Task<KeyVerdict> AuthenticateAsync(string keyId, byte[] secretHash)
    {
        if (unknown.Contains(keyId))
        {
            return new KeyVerdict(null, Exists: false);
        }

        if (verdicts.TenantOf(keyId, secretHash) is { } known)
        {
            return new KeyVerdict(known, Exists: true);
        }

        var verdict = await ClusterRetry.ReadOnceMoreAsync(() => grains.GetGrain<IApiKeyGrain>(keyId).Authenticate(secretHash));

        if (verdict.Tenant is { } tenant)
        {
            verdicts.Remember(keyId, secretHash, tenant);
        }
        else if (!verdict.Exists)
        {
            unknown.Add(keyId);
        }

        return verdict;
    }
}
