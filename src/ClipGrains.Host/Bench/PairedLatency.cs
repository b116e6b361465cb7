using System.Diagnostics;
using ClipGrains.Inference;

namespace ClipGrains.Host.Bench;

/// <summary>
/// A lone request's cost over the model, measured in pairs: one raw ONNX Runtime batch-1 run, then one request to the
/// server, alternately. On a shared machine whose speed drifts by ±20 % over a minute, two medians taken a minute
/// apart differ by more than the overhead being measured; a pair sees the same conditions, so the median of the
/// per-pair differences is the overhead.
/// </summary>
internal static class PairedLatency
{
    /// <param name="OrtMedianMs">Median raw batch-1 run.</param>
    /// <param name="ServerMedianMs">Median request (successful ones).</param>
    /// <param name="DifferenceMedianMs">Median of (request − raw run) over the pairs.</param>
    /// <param name="DifferenceP90Ms">90th percentile of the same differences.</param>
    /// <param name="Pairs">Pairs with a successful request.</param>
    /// <param name="Errors">Requests that did not answer 200 (their pairs are left out).</param>
    public sealed record Result(double OrtMedianMs, double ServerMedianMs, double DifferenceMedianMs, double DifferenceP90Ms, int Pairs, int Errors);

    public static async Task<Result> MeasureAsync(ClipModel model, float[] tensor, LoadGenerator server, int pairs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pairs);
        var salt = Random.Shared.NextInt64();

        // Warm-up of both sides: arenas, connections, the label set's matrix in the silo's cache.
        model.EncodePixels(tensor, 1);
        await server.SendAsync(-1, salt, cancellationToken);

        var ort = new List<double>(pairs);
        var requests = new List<double>(pairs);
        var differences = new List<double>(pairs);
        var errors = 0;
        for (var i = 0; i < pairs && !cancellationToken.IsCancellationRequested; i++)
        {
            var watch = Stopwatch.StartNew();
            model.EncodePixels(tensor, 1);
            var raw = watch.Elapsed.TotalMilliseconds;
            var (status, ms) = await server.SendAsync(i, salt, cancellationToken);
            if (status != 200)
            {
                errors++;
                continue;
            }

            ort.Add(raw);
            requests.Add(ms);
            differences.Add(ms - raw);
        }

        return new Result(
            LatencySummary.Percentile(ort, 0.5), LatencySummary.Percentile(requests, 0.5),
            LatencySummary.Percentile(differences, 0.5), LatencySummary.Percentile(differences, 0.9), differences.Count, errors);
    }
}
