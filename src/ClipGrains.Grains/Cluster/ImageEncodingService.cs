using ClipGrains.Abstractions.Encoding;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Cluster;

/// <summary>
/// Embeds the images of one request. Small requests go to this silo's encoder (no hop); larger ones are cut
/// into contiguous chunks run on the least-loaded silos at once, the local one through its stateless worker
/// and the others through their silo-targeted grains. A chunk whose silo fails is redone locally.
/// </summary>
public sealed class ImageEncodingService(IGrainFactory grains, ClusterView cluster, IOptions<FanOutOptions> options)
{
    /// <summary>Embeds <paramref name="tenant"/>'s <paramref name="images"/> with <paramref name="model"/> (empty: the default); the result lists every silo that ran a chunk.</summary>
    public async Task<FannedOutResult> EncodeAsync(IReadOnlyList<byte[]> images, DateTimeOffset deadline, string tenant, string model = "")
    {
        ArgumentNullException.ThrowIfNull(images);
        var local = grains.GetGrain<IEncoderGrain>(0);
        var fanOut = options.Value;
        var silos = images.Count > fanOut.LocalMaxImages ? await cluster.SilosByLoadAsync() : [];
        var chunks = Math.Min(silos.Count, images.Count / Math.Max(1, fanOut.MinChunkSize));
        if (chunks <= 1)
        {
            var result = await local.EncodeImages(new ImageBatch(images, deadline, tenant, model));
            return new FannedOutResult(result.Vectors, [result.Silo], result.Failure);
        }

        var size = (images.Count + chunks - 1) / chunks;
        var tasks = Enumerable.Range(0, chunks).Select(async c =>
        {
            var start = c * size;
            var batch = new ImageBatch(images.Skip(start).Take(size).ToList(), deadline, tenant, model);
            var silo = silos[c];
            EncodeResult result;
            try
            {
                result = silo == cluster.LocalSilo ? await local.EncodeImages(batch) : await grains.GetGrain<ISiloEncoderGrain>(silo).EncodeImages(batch);
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansException or TimeoutException)
            {
                result = await local.EncodeImages(batch);
            }

            return (start, result);
        });
        var results = await Task.WhenAll(tasks);
        var failed = results.FirstOrDefault(r => r.result.Failure is not null);
        if (failed.result is not null)
        {
            var f = failed.result.Failure!;
            return new FannedOutResult([], results.Select(r => r.result.Silo).Distinct().ToList(), f with { Index = f.Index + failed.start });
        }

        return new FannedOutResult(
            results.OrderBy(r => r.start).SelectMany(r => r.result.Vectors).ToArray(),
            results.Select(r => r.result.Silo).Distinct().ToList());
    }
}
