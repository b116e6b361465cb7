namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// Checks an API key on this silo: the key's grain compares the secret's hash in constant time, and a success is
/// remembered here for <see cref="AuthOptions.VerdictCacheTime"/> (one grain call per busy key, silo and interval);
/// revocations and suspensions are pushed to every silo before the admin call returns.
/// </summary>
public interface IKeyAuthenticator
{
    /// <summary>The key's verdict for the secret whose SHA-256 is <paramref name="secretHash"/>.</summary>
    Task<KeyVerdict> AuthenticateAsync(string keyId, byte[] secretHash);
}
