using System.Diagnostics;
using ClipGrains.Inference;
using ClipGrains.Inference.Imaging;

namespace ClipGrains.Host.Bench;

/// <summary>
/// What the server must do per image that ONNX Runtime alone does not: decode the bytes and preprocess them into the
/// model's tensor, measured in this process on the same image and the same code the server runs, on one thread.
/// </summary>
internal static class DecodeCost
{
    /// <param name="MedianMs">Median wall time of one decode + preprocess.</param>
    /// <param name="CpuMsPerImage">This process's CPU time per decode + preprocess.</param>
    /// <param name="Runs">Decodes timed.</param>
    public sealed record Result(double MedianMs, double CpuMsPerImage, int Runs);

    public static Result Measure(ClipModel model, byte[] image, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensor = new float[model.Preprocessor.TensorLength];
        model.Preprocessor.Process(ImageDecoder.Decode(image), tensor); // warm-up: code paths, pools
        var times = new List<double>();
        var cpu = ProcessCpu.Now();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || (total.Elapsed < budget && times.Count < 500))
        {
            var watch = Stopwatch.StartNew();
            model.Preprocessor.Process(ImageDecoder.Decode(image), tensor);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return new Result(LatencySummary.Percentile(times, 0.5), (ProcessCpu.Now() - cpu).TotalMilliseconds / times.Count, times.Count);
    }
}
