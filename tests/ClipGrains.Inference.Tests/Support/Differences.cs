namespace ClipGrains.Inference.Tests.Support;

public static class Differences
{
    public static (double Mean, double Max) MeanMax(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double sum = 0, max = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs((double)expected[i] - actual[i]);
            sum += d;
            max = Math.Max(max, d);
        }

        return (sum / expected.Length, max);
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
