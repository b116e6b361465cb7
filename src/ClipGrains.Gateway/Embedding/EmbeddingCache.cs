using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Embedding;

/// <summary>
/// The gateway's cache of image and prompt embeddings, sized in floats by
/// <see cref="GatewayOptions.EmbeddingCacheFloats"/>; its own, so a flood of distinct images cannot evict a silo's
/// label matrices, nor the reverse.
/// </summary>
internal sealed class EmbeddingCache(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.EmbeddingCacheFloats });

    public bool TryGet<T>(object key, out T? value) => _cache.TryGetValue(key, out value);

    /// <summary>Keeps <paramref name="value"/>, of <paramref name="floats"/> floats, while it is used at least every <paramref name="sliding"/>.</summary>
    public void Set<T>(object key, T value, int floats, TimeSpan sliding) =>
        _cache.Set(key, value, new MemoryCacheEntryOptions { Size = floats, SlidingExpiration = sliding });

    public void Dispose() => _cache.Dispose();
}
