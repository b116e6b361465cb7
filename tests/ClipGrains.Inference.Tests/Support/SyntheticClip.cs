using System.Text.Json;
using DataType = Onnx.TensorProto.Types.DataType;

namespace ClipGrains.Inference.Tests.Support;

/// <summary>
/// Writes a small random CLIP-shaped model in Hugging Face layout, so the hermetic tests need no outside data.
/// Vision: 32×32/32 patch conv → mean over patches → tanh → projection. Text: embedding lookup → masked
/// causal cumulative sum → tanh, pooled at the arg-max id (the end token, as HF CLIP pools) → projection.
/// Both have the real towers' input/output names and dynamic batch and sequence axes.
/// </summary>
public sealed class SyntheticClip : IDisposable
{
    public const int Dimension = 8;
    public const int Hidden = 6;
    public const int ImageSize = 64;

    /// <summary>Words whose BPE merges are in the synthetic vocabulary, so they encode to one token each.</summary>
    public static readonly string[] Words = ["a", "photo", "of", "cat", "dog", "the", "this", "is", "bird"];

    private SyntheticClip(string directory) => Directory = directory;

    public string Directory { get; }

    public int VocabularySize { get; private set; }

    public static SyntheticClip Create(int seed = 1234, Action<SyntheticClip>? customize = null)
    {
        var model = new SyntheticClip(Path.Combine(Path.GetTempPath(), "clipgrains-tests", Guid.NewGuid().ToString("N")));
        System.IO.Directory.CreateDirectory(model.Directory);
        var random = new Random(seed);
        model.WriteJson("config.json", new
        {
            model_type = "clip",
            projection_dim = Dimension,
            text_config = new { max_position_embeddings = 77, hidden_size = Hidden },
            vision_config = new { image_size = ImageSize, patch_size = 32, hidden_size = Hidden },
        });
        model.WriteJson("preprocessor_config.json", new
        {
            crop_size = new { height = ImageSize, width = ImageSize },
            do_center_crop = true,
            do_convert_rgb = true,
            do_normalize = true,
            do_rescale = true,
            do_resize = true,
            image_mean = new[] { 0.48145466, 0.4578275, 0.40821073 },
            image_std = new[] { 0.26862954, 0.26130258, 0.27577711 },
            resample = 3,
            rescale_factor = 1 / 255.0,
            size = new { shortest_edge = ImageSize },
        });
        model.VocabularySize = model.WriteTokenizer();
        VisionGraph(random).Save(model.File("onnx/vision_model.onnx"));
        TextGraph(random, model.VocabularySize).Save(model.File("onnx/text_model.onnx"));
        customize?.Invoke(model);
        return model;
    }

    public string File(string relative) => Path.Combine(Directory, relative);

    public void WriteJson(string relative, object value) =>
        System.IO.File.WriteAllText(File(relative), JsonSerializer.Serialize(value));

    public static OnnxGraph VisionGraph(Random random, string inputName = "pixel_values", int projection = Dimension) =>
        new OnnxGraph()
            .Input(inputName, DataType.Float, "batch", 3, ImageSize, ImageSize)
            .Output("image_embeds", DataType.Float, "batch", projection)
            .Output("last_hidden_state", DataType.Float, "batch", Hidden, ImageSize / 32, ImageSize / 32)
            .Floats("patch", RandomFloats(random, Hidden * 3 * 32 * 32, 0.02f), Hidden, 3, 32, 32)
            .Floats("projection", RandomFloats(random, Hidden * projection, 1f), Hidden, projection)
            .Node("Conv", [inputName, "patch"], ["last_hidden_state"], OnnxGraph.IntsAttribute("strides", 32, 32), OnnxGraph.IntsAttribute("kernel_shape", 32, 32))
            .Node("ReduceMean", ["last_hidden_state"], ["pooled"], OnnxGraph.IntsAttribute("axes", 2, 3), OnnxGraph.IntAttribute("keepdims", 0))
            .Node("Tanh", ["pooled"], ["activated"])
            .Node("MatMul", ["activated", "projection"], ["image_embeds"]);

    public static OnnxGraph TextGraph(Random random, int vocabularySize, object? sequence = null) =>
        new OnnxGraph()
            .Input("input_ids", DataType.Int64, "batch", sequence ?? "sequence")
            .Input("attention_mask", DataType.Int64, "batch", sequence ?? "sequence")
            .Output("text_embeds", DataType.Float, "batch", Dimension)
            .Output("last_hidden_state", DataType.Float, "batch", sequence ?? "sequence", Hidden)
            .Floats("embedding", RandomFloats(random, vocabularySize * Hidden, 0.5f), vocabularySize, Hidden)
            .Floats("projection", RandomFloats(random, Hidden * Dimension, 1f), Hidden, Dimension)
            .Longs("seq_axis", [1])
            .Longs("one_index", [1])
            .Longs("unsqueeze_2", [2], 1)
            .Longs("unsqueeze_1", [1], 1)
            .Floats("one_hot_values", [0f, 1f], 2)
            .Node("Gather", ["embedding", "input_ids"], ["tokens"])
            .Node("Cast", ["attention_mask"], ["mask_f"], OnnxGraph.IntAttribute("to", (long)DataType.Float))
            .Node("Unsqueeze", ["mask_f", "unsqueeze_2"], ["mask_3d"])
            .Node("Mul", ["tokens", "mask_3d"], ["masked"])
            .Node("CumSum", ["masked", "seq_axis"], ["causal"])
            .Node("Tanh", ["causal"], ["last_hidden_state"])
            .Node("ArgMax", ["input_ids"], ["eot"], OnnxGraph.IntAttribute("axis", 1), OnnxGraph.IntAttribute("keepdims", 0))
            .Node("Shape", ["input_ids"], ["ids_shape"])
            .Node("Gather", ["ids_shape", "one_index"], ["seq_len"])
            .Node("OneHot", ["eot", "seq_len", "one_hot_values"], ["pick"])
            .Node("Unsqueeze", ["pick", "unsqueeze_1"], ["pick_3d"])
            .Node("MatMul", ["pick_3d", "last_hidden_state"], ["pooled_3d"])
            .Node("Squeeze", ["pooled_3d", "unsqueeze_1"], ["pooled"])
            .Node("MatMul", ["pooled", "projection"], ["text_embeds"]);

    private static float[] RandomFloats(Random random, int count, float scale) =>
        Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale).ToArray();

    // CLIP's vocabulary layout: 256 byte symbols, the same with </w>, merges, then the two special tokens last
    // (so the end token has the largest id, which the arg-max pooling relies on, as in real CLIP).
    private int WriteTokenizer()
    {
        var symbols = ByteSymbols();
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in symbols)
        {
            vocab[s] = vocab.Count;
        }

        foreach (var s in symbols)
        {
            vocab[s + "</w>"] = vocab.Count;
        }

        var merges = new List<string[]>();
        foreach (var word in Words)
        {
            var parts = word.Select(c => c.ToString()).ToList();
            parts[^1] += "</w>";
            while (parts.Count > 1)
            {
                var merged = parts[0] + parts[1];
                if (vocab.TryAdd(merged, vocab.Count))
                {
                    merges.Add([parts[0], parts[1]]);
                }

                parts.RemoveAt(1);
                parts[0] = merged;
            }
        }

        vocab["<|startoftext|>"] = vocab.Count;
        vocab["<|endoftext|>"] = vocab.Count;
        WriteJson("tokenizer.json", new
        {
            version = "1.0",
            pre_tokenizer = new
            {
                type = "Sequence",
                pretokenizers = new object[]
                {
                    new { type = "Split", pattern = new { Regex = Inference.Text.ClipTokenizer.DefaultPattern }, behavior = "Removed", invert = true },
                    new { type = "ByteLevel", add_prefix_space = false, trim_offsets = true, use_regex = true },
                },
            },
            model = new { type = "BPE", end_of_word_suffix = "</w>", vocab, merges },
        });
        return vocab.Count;
    }

    private static List<string> ByteSymbols()
    {
        // GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to 256 + n.
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var symbols = new List<string>();
        var extra = 0;
        for (var b = 0; b < 256; b++)
        {
            symbols.Add(((char)(printable.Contains(b) ? b : 256 + extra++)).ToString());
        }

        return symbols;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
