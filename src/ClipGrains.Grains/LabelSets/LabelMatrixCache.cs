using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Grains.Tenancy;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.LabelSets;

/// <summary>
/// This silo's hot label sets, so a classification with a ready set makes no grain call: the set's description is kept
/// until the set's grain pushes a change (a new version, a status, a delete: <see cref="Forget"/>), and at most
/// <see cref="InfoCacheTime"/> on a silo the push missed; the matrix is keyed by (tenant, name, version), sized in
/// floats against <see cref="LabelSetBuildOptions.CacheFloats"/>, and crosses the cluster once per silo and version.
/// Sets that are building or failed are asked of their grain every time (their progress moves). Its own caches: nothing
/// else shares their size limits.
/// </summary>
internal sealed class LabelMatrixCache : ILabelMatrices, IDisposable
{
    /// <summary>How long a ready set's description is trusted on a silo that missed the push of its change.</summary>
    public static readonly TimeSpan InfoCacheTime = TimeSpan.FromSeconds(1);

    private const int MaxInfos = 100_000;
    private readonly IGrainFactory _grains;
    private readonly ClipGrainsTelemetry _telemetry;
    private readonly MemoryCache _matrices;
    private readonly MemoryCache _infos;
    private long _hits;
    private long _misses;
    private long _infoCalls;

    public LabelMatrixCache(IGrainFactory grains, IOptions<LabelSetBuildOptions> options, ClipGrainsTelemetry telemetry, TimeProvider time)
    {
        _grains = grains;
        _telemetry = telemetry;
        _matrices = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.CacheFloats, Clock = new TimeProviderClock(time) });
        _infos = new MemoryCache(new MemoryCacheOptions { SizeLimit = MaxInfos, Clock = new TimeProviderClock(time) });
    }

    /// <summary>Lookups served from memory.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that fetched the matrix from its grain.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Lookups that asked the set's grain for its description (not served from this silo's memory).</summary>
    public long InfoCalls => Interlocked.Read(ref _infoCalls);

    /// <inheritdoc />
    public async Task<(LabelSetInfo? Info, LabelMatrix? Matrix)> GetAsync(string tenant, string name)
    {
        var grain = _grains.GetGrain<ILabelSetGrain>(LabelSetKey.Of(tenant, name));
        if (!_infos.TryGetValue((tenant, name), out LabelSetInfo? info) || info is null)
        {
            Interlocked.Increment(ref _infoCalls);
            info = await grain.GetInfo();
            if (info is null || info.Status != LabelSetStatus.Ready)
            {
                return (info, null);
            }
        }

        var key = (tenant, name, info.Version);
        if (_matrices.TryGetValue(key, out LabelMatrix? cached) && cached is not null)
        {
            Interlocked.Increment(ref _hits);
            _telemetry.LabelSetCacheHits.Add(1);
            Remember(tenant, name, info);
            return (info, cached);
        }

        Interlocked.Increment(ref _misses);
        _telemetry.LabelSetCacheMisses.Add(1);
        var matrix = await grain.GetMatrix(info.Version);
        if (matrix is null)
        {
            // Replaced or deleted since the description was read: ask again next time.
            Forget(tenant, name);
            return (info with { Status = LabelSetStatus.Building }, null);
        }

        _matrices.Set(key, matrix, new MemoryCacheEntryOptions { Size = matrix.Matrix.Length, SlidingExpiration = TimeSpan.FromHours(1) });
        Remember(tenant, name, info);
        return (info, matrix);
    }

    /// <summary>Drops the set's description (its grain changed it); its matrices are keyed by version and age out.</summary>
    public void Forget(string tenant, string name) => _infos.Remove((tenant, name));

    public void Dispose()
    {
        _matrices.Dispose();
        _infos.Dispose();
    }

    private void Remember(string tenant, string name, LabelSetInfo info) =>
        _infos.Set((tenant, name), info, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = InfoCacheTime });
}
