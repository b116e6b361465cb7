using ClipGrains.Abstractions.Encoding;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Cluster;

/// <summary>
/// Embeds the images of one request on the silos holding their model. Small requests go to the one silo
/// <see cref="ModelRouter"/> picks (this one when it holds the model: no hop); larger ones are cut into contiguous
/// chunks run at once on the silos holding the model, least loaded first. A chunk whose silo fails is redone here.
/// </summary>
public sealed class ImageEncodingService(ModelRouter router, IOptions<FanOutOptions> options)
{
    /// <summary>Embeds <paramref name="tenant"/>'s <paramref name="images"/> with <paramref name="model"/> (empty: the default); the result lists every silo that ran a chunk.</summary>
    public async Task<FannedOutResult> EncodeAsync(IReadOnlyList<byte[]> images, DateTimeOffset deadline, string tenant, string model = "")
    {
        ArgumentNullException.ThrowIfNull(images);
        var fanOut = options.Value;
        var silos = images.Count > fanOut.LocalMaxImages ? await router.SpreadAsync(model) : [await router.PickAsync(model)];
        var chunks = Math.Min(silos.Count, images.Count / Math.Max(1, fanOut.MinChunkSize));
        if (chunks <= 1)
        {
            var result = await router.EncodeImagesAsync(silos[0], new ImageBatch(images, deadline, tenant, model));
            return new FannedOutResult(result.Vectors, [result.Silo], result.Failure);
        }

        var size = (images.Count + chunks - 1) / chunks;
        var tasks = Enumerable.Range(0, chunks).Select(async c =>
        {
            var start = c * size;
            var batch = new ImageBatch(images.Skip(start).Take(size).ToList(), deadline, tenant, model);
            return (start, result: await router.EncodeImagesAsync(silos[c], batch));
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
