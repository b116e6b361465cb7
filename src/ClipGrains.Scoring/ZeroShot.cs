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
        var logits = new double[count];
        for (var i = 0; i < count; i++)
        {
            cosines[i] = VectorMath.Dot(imageEmbedding, labels.Row(i));
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
