namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// A silo's tenancy caches (key verdicts, recent refusals) addressed from a key's or a tenant's grain: the grain key is
/// the silo's address (<c>SiloAddress.ToParsableString()</c>) and the silo-targeted placement activates it on exactly
/// that silo.
/// </summary>
[Alias("clipgrains.ISiloKeyCacheGrain")]
public interface ISiloTenancyCacheGrain : IGrainWithStringKey
{
    /// <summary>Forgets the verdicts this silo holds for <paramref name="keyId"/>.</summary>
    [Alias("Forget")]
    Task Forget(string keyId);

    /// <summary>Forgets the refusals this silo remembers for <paramref name="tenant"/> (its balance, limits or status changed).</summary>
    [Alias("ForgetTenant")]
    Task ForgetTenant(string tenant);
}
