namespace ClipGrains.Scoring;

/// <summary>
/// Labels × templates → one ensembled unit vector per label, the CLIP paper's method; the one home of the rule, used by
/// the model's own <c>ClipModel.EmbedLabels</c>, the gateway's ad-hoc labels and label-set builds.
/// </summary>
public static class LabelEnsemble
{
    /// <summary>The prompts, label-major: the first label with every template, then the next label, ….</summary>
    public static List<string> Prompts(IEnumerable<string> labels, IReadOnlyList<string> templates)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(templates);
        return [.. labels.SelectMany(label => templates.Select(t => PromptTemplate.Apply(t, label)))];
    }

    /// <summary>
    /// Writes the ensembles of the labels whose prompts' unit vectors are <paramref name="vectors"/> (label-major, as
    /// <see cref="Prompts"/> orders them) into rows <paramref name="firstRow"/>… of the row-major <paramref name="matrix"/>.
    /// </summary>
    public static void Into(IReadOnlyList<float[]> vectors, int templates, float[] matrix, int firstRow, int dimension)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(templates);
        var all = vectors as float[][] ?? [.. vectors];
        for (var label = 0; label < all.Length / templates; label++)
        {
            VectorMath.EnsembleMean(new ArraySegment<float[]>(all, label * templates, templates)).CopyTo(matrix, (firstRow + label) * dimension);
        }
    }
}
