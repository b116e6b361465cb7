namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// A silo's key-verdict cache addressed from a key's grain: the grain key is the silo's address
/// (<c>SiloAddress.ToParsableString()</c>) and the silo-targeted placement activates it on exactly that silo.
/// </summary>
[Alias("clipgrains.ISiloKeyCacheGrain")]
public interface ISiloKeyCacheGrain : IGrainWithStringKey
{
    /// <summary>Forgets the verdicts this silo holds for <paramref name="keyId"/>.</summary>
    [Alias("Forget")]
    Task Forget(string keyId);
}
