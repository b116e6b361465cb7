using ClipGrains.Abstractions.Encoding;
using ClipGrains.Inference.Scoring;

namespace ClipGrains.Gateway;

/// <summary>Embeds prompts through this silo's encoder and builds ad-hoc label matrices.</summary>
internal sealed class TextEmbedder(IGrainFactory grains, TimeProvider time, Microsoft.Extensions.Options.IOptions<GatewayOptions> options)
{
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts)
    {
        var result = await grains.GetGrain<IEncoderGrain>(0).EncodeTexts(new TextBatch(texts, time.GetUtcNow() + options.Value.RequestTimeout));
        return result.Failure is null ? result.Vectors : throw EncodeFailures.ToApi(result.Failure);
    }

    /// <summary>Label × template prompts, ensembled per label (the CLIP paper's method).</summary>
    public async Task<LabelEmbeddings> EmbedLabelsAsync(IReadOnlyList<string> labels, IReadOnlyList<string> templates)
    {
        var prompts = labels.SelectMany(l => templates.Select(t => PromptTemplate.Apply(t, l))).ToList();
        var vectors = await EmbedAsync(prompts);
        var dimension = vectors[0].Length;
        var matrix = new float[labels.Count * dimension];
        for (var l = 0; l < labels.Count; l++)
        {
            VectorMath.EnsembleMean(new ArraySegment<float[]>(vectors, l * templates.Count, templates.Count)).CopyTo(matrix, l * dimension);
        }

        return new LabelEmbeddings(labels, matrix, dimension);
    }
}
