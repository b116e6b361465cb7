namespace ClipGrains.Host.Bench;

/// <summary>
/// One server run of a <c>clipgrains bench</c> round with the raw figures measured right before it, and the ratios the
/// performance targets are stated in.
/// </summary>
/// <param name="Round">Which A B round.</param>
/// <param name="Result">What the load generator measured.</param>
/// <param name="ServerCpuSeconds">The servers' own CPU over the run (null when they do not publish it).</param>
/// <param name="Ort">Raw ONNX Runtime, this round (null without <c>--model</c>).</param>
/// <param name="Decode">Decode + preprocess per image, this round.</param>
/// <param name="ServerAllocatedBytes">Bytes the servers allocated on the managed heap over the run (null when not published).</param>
/// <param name="ImageBytes">The size of the encoded image each request sends per image.</param>
internal sealed record BenchRun(
    int Round, LoadResult Result, double? ServerCpuSeconds, OrtCeiling.Result? Ort, DecodeCost.Result? Decode, double? ServerAllocatedBytes = null, int ImageBytes = 0)
{
    /// <summary>
    /// The rate a server could reach on this machine: every image costs ORT's best-batch time plus its decode, and the
    /// decodes spread over every core: <c>1 / (1/ort + decode/cores)</c> images per second.
    /// </summary>
    public static double Ceiling(OrtCeiling.Result ort, DecodeCost.Result decode)
    {
        ArgumentNullException.ThrowIfNull(ort);
        ArgumentNullException.ThrowIfNull(decode);
        return 1 / ((1 / ort.BestImagesPerSecond) + (decode.CpuMsPerImage / 1000 / Environment.ProcessorCount));
    }

    private int Images => (Result.Requests - Result.Errors) * Result.ImagesPerRequest;

    /// <summary>The server's CPU milliseconds per image embedded.</summary>
    public double? ServerCpuMsPerImage => ServerCpuSeconds is { } seconds && Images > 0 ? seconds * 1000 / Images : null;

    /// <summary>Managed bytes the server allocated per answered request.</summary>
    public double? AllocatedBytesPerRequest => ServerAllocatedBytes is { } bytes && Result.Requests - Result.Errors > 0 ? bytes / (Result.Requests - Result.Errors) : null;

    /// <summary>Managed bytes allocated per image over the encoded image's own size (the target is at most 2).</summary>
    public double? AllocatedPerImageByte => AllocatedBytesPerRequest is { } perRequest && ImageBytes > 0 && Result.ImagesPerRequest > 0
        ? perRequest / Result.ImagesPerRequest / ImageBytes
        : null;

    /// <summary>Server rate over the ceiling.</summary>
    public double? RateRatio => Ort is null || Decode is null ? null : Result.ImagesPerSecond / Ceiling(Ort, Decode);

    /// <summary>Server CPU per image over ORT's (at its best batch) plus the decode's.</summary>
    public double? CpuRatio => ServerCpuMsPerImage is { } server && Ort is not null && Decode is not null
        ? server / (Ort.BestCpuMillisecondsPerImage + Decode.CpuMsPerImage)
        : null;

    public object Report() => new
    {
        round = Round,
        Result.Concurrency, Result.Requests, Result.Errors, seconds = Math.Round(Result.Seconds, 2),
        images_per_second = Math.Round(Result.ImagesPerSecond, 2), latency_ms = Result.LatencyMs,
        server_cpu_ms_per_image = Round1(ServerCpuMsPerImage),
        server_allocated_kib_per_request = Round1(AllocatedBytesPerRequest / 1024),
        allocated_per_image_byte = Round3(AllocatedPerImageByte),
        ratio_to_ceiling = Round3(RateRatio),
        ratio_to_ort_best = Ort is null ? null : Round3(Result.ImagesPerSecond / Ort.BestImagesPerSecond),
        cpu_ratio = Round3(CpuRatio),
        p50_minus_ort_batch1_ms = Ort is null ? null : Round1(Result.LatencyMs.P50 - Ort.Batch1MedianMs),
    };

    /// <summary>The medians over the rounds of one concurrency.</summary>
    public static object Medians(int concurrency, IReadOnlyList<BenchRun> runs) => new
    {
        concurrency,
        rounds = runs.Count,
        images_per_second = Math.Round(LatencySummary.Percentile(runs.Select(r => r.Result.ImagesPerSecond), 0.5), 2),
        ratio_to_ceiling = Round3(Median(runs.Select(r => r.RateRatio))),
        cpu_ratio = Round3(Median(runs.Select(r => r.CpuRatio))),
        server_cpu_ms_per_image = Round1(Median(runs.Select(r => r.ServerCpuMsPerImage))),
        allocated_per_image_byte = Round3(Median(runs.Select(r => r.AllocatedPerImageByte))),
    };

    // The median of the values present (the mean of the two middle ones for an even count), or null.
    private static double? Median(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : MiddleOf(present);
    }

    private static double MiddleOf(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static double? Round1(double? value) => value is { } v ? Math.Round(v, 1) : null;

    private static double? Round3(double? value) => value is { } v ? Math.Round(v, 3) : null;
}
