using System.Runtime.CompilerServices;

namespace ClipGrains.Scoring;

/// <summary>Embedding arithmetic. Sums run in double so results do not depend on summation order at float precision.</summary>
public static class VectorMath
{
    /// <summary>Scales <paramref name="vector"/> to unit L2 length in place (a zero vector stays zero).</summary>
    public static float[] Normalize(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        double sum = 0;
        foreach (var v in vector)
        {
            sum += (double)v * v;
        }

        if (sum > 0)
        {
            var scale = 1.0 / Math.Sqrt(sum);
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = (float)(vector[i] * scale);
            }
        }

        return vector;
    }

    /// <summary>Dot product; equals the cosine for unit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see PillowBicubic on tiering.
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors differ in length ({a.Length} and {b.Length}).", nameof(b));
        }

        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return (float)sum;
    }

    /// <summary>
    /// The CLIP paper's prompt ensemble: the mean of the (unit) template embeddings, renormalised to unit length.
    /// </summary>
    public static float[] EnsembleMean(IReadOnlyList<float[]> unitVectors)
    {
        ArgumentNullException.ThrowIfNull(unitVectors);
        if (unitVectors.Count == 0)
        {
            throw new ArgumentException("An ensemble needs at least one embedding.", nameof(unitVectors));
        }

        var dim = unitVectors[0].Length;
        var sum = new double[dim];
        foreach (var v in unitVectors)
        {
            for (var i = 0; i < dim; i++)
            {
                sum[i] += v[i];
            }
        }

        var mean = new float[dim];
        for (var i = 0; i < dim; i++)
        {
            mean[i] = (float)(sum[i] / unitVectors.Count);
        }

        return Normalize(mean);
    }

    /// <summary>Softmax of <paramref name="logits"/>, computed stably in double.</summary>
    public static double[] Softmax(ReadOnlySpan<double> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        var result = new double[logits.Length];
        double total = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            result[i] = Math.Exp(logits[i] - max);
            total += result[i];
        }

        for (var i = 0; i < result.Length; i++)
        {
            result[i] /= total;
        }

        return result;
    }
}
