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
    public sealed record Result(double Batch1MedianMs, IReadOnlyDictionary<int, double> ImagesPerSecondByBatch)
    {
        public double BestImagesPerSecond => ImagesPerSecondByBatch.Values.Max();
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
        foreach (var size in batchSizes)
        {
            var times = size == 1 ? single : Time(model, tensor, size, budgetPerSize);
            throughput[size] = size / (Median(times) / 1000);
        }

        return new Result(Median(single), throughput);
    }

    private static List<double> Time(ClipModel model, float[] tensor, int batch, TimeSpan budget)
    {
        var pixels = new float[tensor.Length * batch];
        for (var i = 0; i < batch; i++)
        {
            tensor.CopyTo(pixels, i * tensor.Length);
        }

        model.EncodePixels(pixels, batch); // warm-up: first runs allocate arenas
        model.EncodePixels(pixels, batch);
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 3 || (total.Elapsed < budget && times.Count < 200))
        {
            var watch = Stopwatch.StartNew();
            model.EncodePixels(pixels, batch);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
