namespace ClipGrains.Inference.Model;

/// <summary>
/// The files of a CLIP model in Hugging Face layout, found and validated (presence and JSON content; the
/// ONNX graphs are validated when their sessions are created).
/// </summary>
public sealed class ModelBundle
{
    private ModelBundle(string directory, string variant, ClipModelConfig config, PreprocessorSettings preprocessor)
    {
        Directory = directory;
        Variant = variant;
        Config = config;
        Preprocessor = preprocessor;
    }

    /// <summary>The model folder.</summary>
    public string Directory { get; }

    /// <summary>The ONNX variant suffix in use (empty for fp32).</summary>
    public string Variant { get; }

    /// <summary>Parsed <c>config.json</c>.</summary>
    public ClipModelConfig Config { get; }

    /// <summary>Parsed <c>preprocessor_config.json</c>.</summary>
    public PreprocessorSettings Preprocessor { get; }

    /// <summary>Path of the vision graph for the variant.</summary>
    public string VisionModelPath => System.IO.Path.Combine(Directory, VisionModelFile(Variant));

    /// <summary>Path of the text graph for the variant.</summary>
    public string TextModelPath => System.IO.Path.Combine(Directory, TextModelFile(Variant));

    /// <summary>Relative path of the vision graph for <paramref name="variant"/>.</summary>
    public static string VisionModelFile(string variant) => $"onnx/vision_model{Suffix(variant)}.onnx";

    /// <summary>Relative path of the text graph for <paramref name="variant"/>.</summary>
    public static string TextModelFile(string variant) => $"onnx/text_model{Suffix(variant)}.onnx";

    /// <summary>Opens and validates the folder.</summary>
    public static ModelBundle Open(string directory, string variant = "")
    {
        ArgumentNullException.ThrowIfNull(directory);
        variant ??= string.Empty;
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException(directory, "model folder not found.");
        }

        if (variant.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
        {
            throw new ModelLoadException(directory, $"model variant \"{variant}\" may hold only letters, digits and '_'.");
        }

        var config = ClipModelConfig.Load(System.IO.Path.Combine(directory, "config.json"));
        var preprocessor = PreprocessorSettings.Load(System.IO.Path.Combine(directory, "preprocessor_config.json"));
        var bundle = new ModelBundle(directory, variant, config, preprocessor);
        if (bundle.TokenizerFiles() is null)
        {
            throw new ModelLoadException(
                System.IO.Path.Combine(directory, "tokenizer.json"),
                "file not found (nor the older vocab.json + merges.txt pair).");
        }

        foreach (var graph in new[] { bundle.VisionModelPath, bundle.TextModelPath })
        {
            if (!File.Exists(graph))
            {
                throw new ModelLoadException(graph, variant.Length == 0
                    ? "file not found."
                    : $"file not found: this folder has no \"{variant}\" variant.");
            }
        }

        return bundle;
    }

    /// <summary>The tokenizer file(s): <c>tokenizer.json</c>, else <c>vocab.json</c> + <c>merges.txt</c>; null when neither exists.</summary>
    public string[]? TokenizerFiles()
    {
        var json = System.IO.Path.Combine(Directory, "tokenizer.json");
        if (File.Exists(json))
        {
            return [json];
        }

        var vocab = System.IO.Path.Combine(Directory, "vocab.json");
        var merges = System.IO.Path.Combine(Directory, "merges.txt");
        return File.Exists(vocab) && File.Exists(merges) ? [vocab, merges] : null;
    }

    private static string Suffix(string variant) => string.IsNullOrEmpty(variant) ? string.Empty : "_" + variant;
}
