using ClipGrains.Abstractions.Encoding;
using ClipGrains.Inference.Scoring;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway;

/// <summary>
/// Embeds prompts through this silo's encoder, with a per-silo cache of prompt embeddings so that ad-hoc
/// labels repeated across requests (the usual case: a client sends the same label list every time) cost the
/// text tower once. The cache key includes the tenant: one tenant cannot learn from timing which prompts
/// another tenant used.
/// </summary>
internal sealed class TextEmbedder(IGrainFactory grains, IMemoryCache cache, TimeProvider time, IOptions<GatewayOptions> options)
{
    public async Task<float[][]> EmbedAsync(string tenant, IReadOnlyList<string> texts)
    {
        var vectors = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (cache.TryGetValue(new PromptKey(tenant, texts[i]), out float[]? cached) && cached is not null)
            {
                vectors[i] = cached;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return vectors;
        }

        var distinct = missing.Select(i => texts[i]).Distinct(StringComparer.Ordinal).ToList();
        var result = await grains.GetGrain<IEncoderGrain>(0).EncodeTexts(new TextBatch(distinct, time.GetUtcNow() + options.Value.RequestTimeout, tenant));
        if (result.Failure is not null)
        {
            throw EncodeFailures.ToApi(result.Failure);
        }

        var computed = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var d = 0; d < distinct.Count; d++)
        {
            computed[distinct[d]] = result.Vectors[d];
            cache.Set(new PromptKey(tenant, distinct[d]), result.Vectors[d], new MemoryCacheEntryOptions
            {
                Size = result.Vectors[d].Length,
                SlidingExpiration = TimeSpan.FromMinutes(30),
            });
        }

        foreach (var i in missing)
        {
            vectors[i] = computed[texts[i]];
        }

        return vectors;
    }

    /// <summary>Label × template prompts, ensembled per label (the CLIP paper's method).</summary>
    public async Task<LabelEmbeddings> EmbedLabelsAsync(string tenant, IReadOnlyList<string> labels, IReadOnlyList<string> templates)
    {
        var prompts = labels.SelectMany(l => templates.Select(t => PromptTemplate.Apply(t, l))).ToList();
        var vectors = await EmbedAsync(tenant, prompts);
        var dimension = vectors[0].Length;
        var matrix = new float[labels.Count * dimension];
        for (var l = 0; l < labels.Count; l++)
        {
            VectorMath.EnsembleMean(new ArraySegment<float[]>(vectors, l * templates.Count, templates.Count)).CopyTo(matrix, l * dimension);
        }

        return new LabelEmbeddings(labels, matrix, dimension);
    }

    private sealed record PromptKey(string Tenant, string Prompt);
}
