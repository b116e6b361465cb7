using BenchmarkDotNet.Attributes;
using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Model;

namespace ClipGrains.Benchmarks;

/// <summary>Decode + CLIP preprocessing of one JPEG, by size. Single image, as a request would see it.</summary>
[MemoryDiagnoser]
public class PreprocessBenchmarks
{
    private static readonly PreprocessorSettings Clip = new(
        224, 224, 224, true, true, true, 1 / 255.0, true, [0.48145466f, 0.4578275f, 0.40821073f], [0.26862954f, 0.26130258f, 0.27577711f]);

    private readonly ClipImagePreprocessor _preprocessor = new(Clip);
    private readonly float[] _tensor = new float[3 * 224 * 224];
    private byte[] _jpeg = [];
    private RgbImage _decoded = null!;

    [Params("640x480", "4000x3000")]
    public string Size { get; set; } = "640x480";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Size.Split('x');
        _jpeg = SyntheticPhoto.Jpeg(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        _decoded = ImageDecoder.Decode(_jpeg);
    }

    /// <summary>Through the system's libjpeg-turbo when installed (what the server does), else Skia.</summary>
    [Benchmark(Description = "decode")]
    public RgbImage Decode() => ImageDecoder.Decode(_jpeg);

    [Benchmark(Description = "decode, Skia only")]
    public RgbImage DecodeWithSkia() => ImageDecoder.Decode(_jpeg, null, null, turbo: null);

    [Benchmark(Description = "resize+crop+normalize")]
    public float[] Preprocess()
    {
        _preprocessor.Process(_decoded, _tensor);
        return _tensor;
    }

    [Benchmark(Description = "decode+preprocess", Baseline = true)]
    public float[] DecodeAndPreprocess()
    {
        _preprocessor.Process(ImageDecoder.Decode(_jpeg), _tensor);
        return _tensor;
    }
}
