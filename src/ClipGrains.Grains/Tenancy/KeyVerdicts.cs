using System.Security.Cryptography;
using ClipGrains.Abstractions.Tenancy;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// Keys that authenticated on this silo in the last <see cref="AuthOptions.VerdictCacheTime"/>, with the hash of the
/// secret that did, so one busy key costs its grain one call per silo and interval instead of one per request. Only
/// successes are kept (a wrong secret always asks the grain, and waits out the failure delay), and only for the exact
/// hash that succeeded. The key's grain pushes <see cref="Forget"/> on revocation or suspension; a success that was
/// already in flight when the push came may be remembered after it, which the expiry still bounds.
/// </summary>
internal sealed class KeyVerdicts(IOptions<AuthOptions> options, TimeProvider time) : IKeyVerdictCache, IDisposable
{
    private const int MaxEntries = 100_000;
    private readonly MemoryCache _keys = new(new MemoryCacheOptions { SizeLimit = MaxEntries, Clock = new TimeProviderClock(time) });

    /// <summary>The tenant of a key that authenticated with this very secret hash within the cache time, else null.</summary>
    public string? TenantOf(string keyId, byte[] secretHash) =>
        _keys.TryGetValue(keyId, out Verdict? verdict) && verdict is not null && CryptographicOperations.FixedTimeEquals(verdict.SecretHash, secretHash)
            ? verdict.Tenant
            : null;

    /// <summary>Remembers that <paramref name="keyId"/> authenticated for <paramref name="tenant"/> with this hash.</summary>
    public void Remember(string keyId, byte[] secretHash, string tenant)
    {
        var ttl = options.Value.VerdictCacheTime;
        if (ttl > TimeSpan.Zero)
        {
            _keys.Set(keyId, new Verdict(secretHash, tenant), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = ttl });
        }
    }

    /// <inheritdoc />
    public void Forget(string keyId) => _keys.Remove(keyId);

    public void Dispose() => _keys.Dispose();

    private sealed record Verdict(byte[] SecretHash, string Tenant);
}
