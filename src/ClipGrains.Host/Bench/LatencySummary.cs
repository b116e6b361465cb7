namespace ClipGrains.Host.Bench;

/// <summary>Latency percentiles in milliseconds (nearest-rank).</summary>
internal sealed record LatencySummary(double Mean, double P50, double P95, double P99, double Max)
{
    public static LatencySummary Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        var sorted = samples.Order().ToArray();
        return new LatencySummary(sorted.Average(), Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted[^1]);
    }

    /// <summary>The nearest-rank <paramref name="p"/> quantile of <paramref name="samples"/> (0 for none).</summary>
    public static double Percentile(IEnumerable<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        return sorted.Length == 0 ? 0 : Rank(sorted, p);
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
