namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// A silo's short-lived memory of keys that authenticated, so a busy key does not make its grain a hot spot. The key's
/// grain pushes <see cref="Forget"/> to every silo when the key stops being usable (revoked, tenant suspended).
/// </summary>
internal interface IKeyVerdictCache
{
    /// <summary>Drops whatever this silo remembers about <paramref name="keyId"/>.</summary>
    void Forget(string keyId);
}
