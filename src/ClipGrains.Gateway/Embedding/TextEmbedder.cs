using ClipGrains.Abstractions.Cluster;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Scoring;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Embedding;

/// <summary>
/// Embeds prompts through the cluster's encoders, with a per-silo cache of prompt embeddings (keyed by model) so that ad-hoc
/// labels repeated across requests (the usual case: a client sends the same label list every time) cost the
/// text tower once. The cache key includes the tenant: one tenant cannot learn from timing which prompts
/// another tenant used.
/// </summary>
internal sealed class TextEmbedder(IClusterEncoder encoder, EmbeddingCache cache, TimeProvider time, IOptions<GatewayOptions> options)
{
    /// <summary>The texts' embeddings under <paramref name="model"/>, and their token count in all.</summary>
    public async Task<(float[][] Vectors, int Tokens)> EmbedAsync(string tenant, string model, IReadOnlyList<string> texts)
    {
        var vectors = new float[texts.Count][];
        var tokens = 0;
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (cache.TryGet(new PromptKey(tenant, model, texts[i]), out Embedded? cached) && cached is not null)
            {
                vectors[i] = cached.Vector;
                tokens += cached.Tokens;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return (vectors, tokens);
        }

        var distinct = missing.Select(i => texts[i]).Distinct(StringComparer.Ordinal).ToList();
        var result = await encoder.EncodeTextsAsync(new TextBatch(distinct, time.GetUtcNow() + options.Value.RequestTimeout, tenant, model));
        if (result.Failure is not null)
        {
            throw EncodeFailures.ToApi(result.Failure);
        }

        var computed = new Dictionary<string, Embedded>(StringComparer.Ordinal);
        for (var d = 0; d < distinct.Count; d++)
        {
            var embedded = new Embedded(result.Vectors[d], result.Tokens?[d] ?? 0);
            computed[distinct[d]] = embedded;
            cache.Set(new PromptKey(tenant, model, distinct[d]), embedded, result.Vectors[d].Length, TimeSpan.FromMinutes(30));
        }

        foreach (var i in missing)
        {
            vectors[i] = computed[texts[i]].Vector;
            tokens += computed[texts[i]].Tokens;
        }

        return (vectors, tokens);
    }

    /// <summary>Label × template prompts, ensembled per label (the CLIP paper's method), and the prompts' token count.</summary>
    public async Task<(LabelEmbeddings Labels, int Tokens)> EmbedLabelsAsync(string tenant, string model, IReadOnlyList<string> labels, IReadOnlyList<string> templates)
    {
        var (vectors, tokens) = await EmbedAsync(tenant, model, LabelEnsemble.Prompts(labels, templates));
        var dimension = vectors[0].Length;
        var matrix = new float[labels.Count * dimension];
        LabelEnsemble.Into(vectors, templates.Count, matrix, 0, dimension);

        return (new LabelEmbeddings(labels, matrix, dimension), tokens);
    }

    private sealed record PromptKey(string Tenant, string Model, string Prompt);

    // A prompt's vector and token count, cached together so a cached prompt still reports its tokens.
    private sealed record Embedded(float[] Vector, int Tokens);
}
