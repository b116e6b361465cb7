namespace ClipGrains.Scoring;

/// <summary>
/// Unit text embeddings of a label vocabulary, one row per label in a contiguous row-major matrix
/// (labels × dimension), so scoring is a single pass over memory.
/// </summary>
public sealed class LabelEmbeddings
{
    /// <summary>Creates the matrix; rows must already be unit vectors.</summary>
    public LabelEmbeddings(IReadOnlyList<string> labels, float[] matrix, int dimension)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (matrix.Length != labels.Count * dimension)
        {
            throw new ArgumentException($"{labels.Count} labels × {dimension} needs {labels.Count * dimension} floats; got {matrix.Length}.", nameof(matrix));
        }

        Labels = labels;
        Matrix = matrix;
        Dimension = dimension;
    }

    /// <summary>The labels, in row order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Row-major unit embeddings.</summary>
    public float[] Matrix { get; }

    /// <summary>Embedding width.</summary>
    public int Dimension { get; }

    /// <summary>The embedding of label <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => Matrix.AsSpan(index * Dimension, Dimension);
}
