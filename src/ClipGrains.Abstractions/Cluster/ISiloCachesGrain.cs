namespace ClipGrains.Abstractions.Cluster;

/// <summary>
/// A silo's caches of other grains' state (key verdicts, recent refusals, ready label sets), addressed by the grain
/// whose state changed: the grain key is the silo's address (<c>SiloAddress.ToParsableString()</c>) and the
/// silo-targeted placement activates it on exactly that silo. Pushes are best effort; each cache's expiry bounds a miss.
/// </summary>
[Alias("clipgrains.ISiloCachesGrain")]
public interface ISiloCachesGrain : IGrainWithStringKey
{
    /// <summary>Forgets the verdicts this silo holds for <paramref name="keyId"/> (revoked, or its tenant suspended).</summary>
    [Alias("Forget")]
    Task Forget(string keyId);

    /// <summary>Forgets the refusals this silo remembers for <paramref name="tenant"/> (its balance, limits or status changed).</summary>
    [Alias("ForgetTenant")]
    Task ForgetTenant(string tenant);

    /// <summary>
    /// Stops admitting <paramref name="tenant"/> from this silo's lease (its limits were lowered or it was suspended): the
    /// lease's unused tokens are dropped and its next request goes to the ledger, which renews it under the new terms.
    /// </summary>
    Task TakeBackLease(string tenant);

    /// <summary>Forgets what this silo holds of a label set (a new version, status, or its deletion).</summary>
    [Alias("ForgetLabelSet")]
    Task ForgetLabelSet(string tenant, string name);
}
