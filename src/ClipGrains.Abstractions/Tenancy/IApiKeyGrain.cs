using Orleans.Concurrency;

namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// One API key, keyed by its public id. Holds only the SHA-256 of the secret; authentication compares in
/// constant time. Revocation and tenant suspension are state of this grain, so they take effect on the next
/// request on every silo.
/// </summary>
[Alias("clipgrains.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Initialises the key (called by its tenant grain).</summary>
    [Alias("Initialize")]
    Task Initialize(string tenantId, string name, byte[] secretHash, string prefix, bool tenantSuspended);

    /// <summary>The tenant when <paramref name="secretHash"/> matches and the key is usable, and whether the key exists.</summary>
    [Alias("Authenticate")]
    Task<KeyVerdict> Authenticate(byte[] secretHash);

    /// <summary>Revokes the key; true when it existed and belongs to <paramref name="tenantId"/>.</summary>
    [Alias("Revoke")]
    Task<bool> Revoke(string tenantId);

    /// <summary>Mirrors the tenant's suspension (called by its tenant grain).</summary>
    [Alias("SetTenantSuspended")]
    Task SetTenantSuspended(bool suspended);

    /// <summary>The key's public description, or null when it does not exist.</summary>
    [ReadOnly, Alias("GetInfo")]
    Task<ApiKeyInfo?> GetInfo();
}
