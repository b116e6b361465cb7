using ClipGrains.Abstractions.Tenancy;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// Key ids this silo recently learned do not exist, so a repeated guess costs no grain call and no storage read.
/// Bounded in entries; an id is remembered for <see cref="AuthOptions.UnknownKeyCacheTime"/>. Ids are random and minted
/// by the server, so a key created meanwhile is never one of them unless someone guessed it in advance.
/// </summary>
internal sealed class UnknownKeyIds(IOptions<AuthOptions> options, TimeProvider time) : IDisposable
{
    private const int MaxEntries = 100_000;
    private readonly MemoryCache _ids = new(new MemoryCacheOptions { SizeLimit = MaxEntries, Clock = new TimeProviderClock(time) });

    public bool Contains(string keyId) => _ids.TryGetValue(keyId, out _);

    public void Add(string keyId) =>
        _ids.Set(keyId, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.UnknownKeyCacheTime });

    public void Dispose() => _ids.Dispose();
}
