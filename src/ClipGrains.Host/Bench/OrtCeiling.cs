using System.Diagnostics;
using ClipGrains.Inference;
using ClipGrains.Inference.Imaging;

namespace ClipGrains.Host.Bench;

/// <summary>
/// The raw ONNX Runtime ceiling: the vision session alone on an already preprocessed tensor, no decoding,
/// no HTTP, no queue. What the service is compared against, measured in the same run.
/// </summary>
internal static class OrtCeiling
{
    /// <param name="Batch1MedianMs">Median batch-1 run.</param>
    /// <param name="ImagesPerSecondByBatch">Median rate by batch size.</param>
    /// <param name="CpuMillisecondsPerImageByBatch">This process's CPU time per image by batch size (every ONNX Runtime thread counted).</param>
    public sealed record Result(double Batch1MedianMs, IReadOnlyDictionary<int, double> ImagesPerSecondByBatch, IReadOnlyDictionary<int, double> CpuMillisecondsPerImageByBatch)
    {
        /// <summary>The batch size of the best rate.</summary>
        public int BestBatch => ImagesPerSecondByBatch.MaxBy(p => p.Value).Key;

        public double BestImagesPerSecond => ImagesPerSecondByBatch[BestBatch];

        /// <summary>CPU per image at the best rate's batch size.</summary>
        public double BestCpuMillisecondsPerImage => CpuMillisecondsPerImageByBatch[BestBatch];
    }

    /// <summary>The model input for <paramref name="image"/>, preprocessed once.</summary>
    public static float[] Tensor(ClipModel model, byte[] image)
    {
        var tensor = new float[model.Preprocessor.TensorLength];
        model.Preprocessor.Process(ImageDecoder.Decode(image), tensor);
        return tensor;
    }

    public static Result Measure(ClipModel model, byte[] image, int[] batchSizes, TimeSpan budgetPerSize)
    {
        var tensor = Tensor(model, image);
        var single = Time(model, tensor, 1, budgetPerSize);
        var throughput = new Dictionary<int, double>();
        var cpu = new Dictionary<int, double>();
        foreach (var size in batchSizes)
        {
            var (times, cpuMs) = size == 1 ? single : Time(model, tensor, size, budgetPerSize);
            throughput[size] = size / (Median(times) / 1000);
            cpu[size] = cpuMs / (times.Count * size);
        }

        return new Result(Median(single.Times), throughput, cpu);
    }

    // Each run's wall time (ms) and this process's CPU time over all of them (ms), warm-up excluded.
    private static (List<double> Times, double CpuMs) Time(ClipModel model, float[] tensor, int batch, TimeSpan budget)
    {
        var pixels = new float[tensor.Length * batch];
        for (var i = 0; i < batch; i++)
        {
            tensor.CopyTo(pixels, i * tensor.Length);
        }

        model.EncodePixels(pixels, batch); // warm-up: first runs allocate arenas
        model.EncodePixels(pixels, batch);
        var times = new List<double>();
        var cpu = ProcessCpu.Now();
        var total = Stopwatch.StartNew();
        while (times.Count < 3 || (total.Elapsed < budget && times.Count < 200))
        {
            var watch = Stopwatch.StartNew();
            model.EncodePixels(pixels, batch);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return (times, (ProcessCpu.Now() - cpu).TotalMilliseconds);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
