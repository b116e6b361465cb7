using ClipGrains.Abstractions.Cluster;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Gateway.Inputs;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Embedding;

/// <summary>
/// Embeds a request's images, serving identical images (same bytes) from a per-silo cache keyed by tenant,
/// SHA-256 of the bytes and the model, so re-sent images cost neither decoding nor inference. Only the
/// misses go to the (fanned-out) encoders. Keyed by tenant so no tenant can learn from timing what another sent.
/// </summary>
internal sealed class ImageEmbedder(IClusterEncoder encoder, EmbeddingCache cache, TimeProvider time, IOptions<GatewayOptions> options)
{
    private long _hits;

    /// <summary>Images served from the cache since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public async Task<float[][]> EmbedAsync(string tenant, string model, IReadOnlyList<ApiInput> images)
    {
        var keys = images.Select(i => new ImageKey(tenant, i.ImageHash, model)).ToArray();
        var vectors = new float[images.Count][];
        var missing = new List<int>();
        for (var i = 0; i < images.Count; i++)
        {
            if (cache.TryGet(keys[i], out float[]? cached) && cached is not null)
            {
                vectors[i] = cached;
                Interlocked.Increment(ref _hits);
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            var result = await encoder.EncodeImagesAsync(new ImageBatch(missing.Select(i => images[i].Image!).ToList(), time.GetUtcNow() + options.Value.RequestTimeout, tenant, model));
            if (result.Failure is not null)
            {
                throw EncodeFailures.ToApi(result.Failure, m => images[missing[m]].Param);
            }

            for (var m = 0; m < missing.Count; m++)
            {
                vectors[missing[m]] = result.Vectors[m];
                cache.Set(keys[missing[m]], result.Vectors[m], result.Vectors[m].Length, TimeSpan.FromMinutes(10));
            }
        }

        return vectors;
    }

    private sealed record ImageKey(string Tenant, string Sha256, string Model);
}
