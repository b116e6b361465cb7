using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Abstractions.Telemetry;
using Microsoft.Extensions.Caching.Memory;

namespace ClipGrains.Grains.LabelSets;

/// <summary>
/// This silo's hot label matrices, keyed by (tenant, name, version), so a classification moves only the
/// image embedding: the matrix crosses the cluster once per silo and version. Entries are sized in floats
/// against the cache's size limit; a new version is a new key, so a stale matrix is never served.
/// </summary>
public sealed class LabelMatrixCache(IGrainFactory grains, IMemoryCache cache, ClipGrainsTelemetry telemetry) : ILabelMatrices
{
    private long _hits;
    private long _misses;

    /// <summary>Lookups served from memory.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that fetched the matrix from its grain.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <inheritdoc />
    public async Task<(LabelSetInfo? Info, LabelMatrix? Matrix)> GetAsync(string tenant, string name)
    {
        var grain = grains.GetGrain<ILabelSetGrain>(LabelSetKey.Of(tenant, name));
        var info = await grain.GetInfo();
        if (info is null || info.Status != LabelSetStatus.Ready)
        {
            return (info, null);
        }

        var key = (tenant, name, info.Version);
        if (cache.TryGetValue(key, out LabelMatrix? cached) && cached is not null)
        {
            Interlocked.Increment(ref _hits);
            telemetry.LabelSetCacheHits.Add(1);
            return (info, cached);
        }

        Interlocked.Increment(ref _misses);
        telemetry.LabelSetCacheMisses.Add(1);
        var matrix = await grain.GetMatrix(info.Version);
        if (matrix is null)
        {
            return (info with { Status = LabelSetStatus.Building }, null);
        }

        cache.Set(key, matrix, new MemoryCacheEntryOptions { Size = matrix.Matrix.Length, SlidingExpiration = TimeSpan.FromHours(1) });
        return (info, matrix);
    }
}
