using System.Buffers;
using BenchmarkDotNet.Attributes;
using ClipGrains.Inference;
using ClipGrains.Inference.Model;
using ClipGrains.Scoring;
using ClipGrains.Inference.Text;

namespace ClipGrains.Benchmarks;

/// <summary>
/// The small steps around the model: tokenizing a label's 80 ImageNet prompts, assembling a batch of 8 image tensors
/// into one (what the model host does per batch), and scoring an image embedding against a 1000-label matrix versus a
/// 5-label one. The tokenizer comes from CLIPGRAINS_BENCH_MODEL (any model folder).
/// </summary>
public class HotPathBenchmarks
{
    private const int Dimension = 512;
    private const int TensorLength = 3 * 224 * 224;
    private ClipTokenizer _tokenizer = null!;
    private string[] _prompts = [];
    private float[][] _tensors = [];
    private float[] _image = [];
    private LabelEmbeddings _thousand = null!;
    private LabelEmbeddings _five = null!;

    [GlobalSetup]
    public void Setup()
    {
        var folder = Environment.GetEnvironmentVariable("CLIPGRAINS_BENCH_MODEL")
            ?? throw new InvalidOperationException("Set CLIPGRAINS_BENCH_MODEL to a model folder.");
        _tokenizer = ClipModel.LoadTokenizer(ModelBundle.Open(folder));
        _prompts = TemplatePresets.OpenAi80.Select(t => PromptTemplate.Apply(t, "golden retriever")).ToArray();
        var random = new Random(7);
        _tensors = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, TensorLength).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        _image = UnitRows(random, 1)[0];
        _thousand = Labels(random, 1000);
        _five = Labels(random, 5);
    }

    [Benchmark(Description = "tokenize 80 prompts")]
    public int Tokenize()
    {
        var total = 0;
        foreach (var prompt in _prompts)
        {
            total += _tokenizer.Encode(prompt).Length;
        }

        return total;
    }

    [Benchmark(Description = "assemble a batch of 8 image tensors")]
    public float Assemble()
    {
        var batch = ArrayPool<float>.Shared.Rent(_tensors.Length * TensorLength);
        for (var i = 0; i < _tensors.Length; i++)
        {
            _tensors[i].AsSpan().CopyTo(batch.AsSpan(i * TensorLength));
        }

        var probe = batch[TensorLength * 7];
        ArrayPool<float>.Shared.Return(batch);
        return probe;
    }

    [Benchmark(Description = "score against 1000 labels (top 5)")]
    public int ScoreThousand() => ZeroShot.Classify(_image, _thousand, 100, topK: 5).Count;

    [Benchmark(Description = "score against 5 labels")]
    public int ScoreFive() => ZeroShot.Classify(_image, _five, 100, topK: 5).Count;

    private static LabelEmbeddings Labels(Random random, int count) =>
        new(Enumerable.Range(0, count).Select(i => $"label {i}").ToArray(), UnitRows(random, count).SelectMany(r => r).ToArray(), Dimension);

    private static float[][] UnitRows(Random random, int count) => Enumerable.Range(0, count).Select(_ =>
    {
        var row = Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var norm = MathF.Sqrt(row.Sum(v => v * v));
        return row.Select(v => v / norm).ToArray();
    }).ToArray();
}
