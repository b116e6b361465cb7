using ClipGrains.Abstractions.Cluster;
using ClipGrains.Abstractions.Encoding;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Cluster;

/// <summary>
/// Encodes on the silos holding the batch's model. Prompts and small image requests go to the one silo
/// <see cref="ModelRouter"/> picks (this one when it holds the model: no hop); larger image requests are cut into
/// contiguous chunks run at once on the silos holding the model, least loaded first. A chunk whose silo fails is redone here.
/// </summary>
public sealed class ClusterEncoder(ModelRouter router, IOptions<FanOutOptions> options) : IClusterEncoder
{
    /// <inheritdoc />
    public Task<EncodeResult> EncodeTextsAsync(TextBatch batch) => router.EncodeTextsAsync(batch);

    /// <inheritdoc />
    public async Task<FannedOutResult> EncodeImagesAsync(ImageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (images, model) = (batch.Images, batch.Model);
        var fanOut = options.Value;
        var silos = images.Count > fanOut.LocalMaxImages ? await router.SpreadAsync(model) : [await router.PickAsync(model)];
        var chunks = Math.Min(silos.Count, images.Count / Math.Max(1, fanOut.MinChunkSize));
        if (chunks <= 1)
        {
            var result = await router.EncodeImagesAsync(silos[0], batch);
            return new FannedOutResult(result.Vectors, [result.Silo], result.Failure);
        }

        var size = (images.Count + chunks - 1) / chunks;
        var tasks = Enumerable.Range(0, chunks).Select(async c =>
        {
            var start = c * size;
            var chunk = batch with { Images = images.Skip(start).Take(size).ToList() };
            return (start, result: await router.EncodeImagesAsync(silos[c], chunk));
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
