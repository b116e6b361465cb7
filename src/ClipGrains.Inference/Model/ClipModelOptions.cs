namespace ClipGrains.Inference.Model;

/// <summary>
/// How to find and run the model. Bound from the <c>ClipGrains:Model</c> configuration section and from the
/// command line's <c>--model</c>.
/// </summary>
public sealed class ClipModelOptions
{
    /// <summary>The default hub model: the ONNX export of <c>openai/clip-vit-base-patch32</c>.</summary>
    public const string DefaultModelId = "Xenova/clip-vit-base-patch32";

    /// <summary>A local folder in Hugging Face layout. Wins over <see cref="Id"/> when set.</summary>
    public string? Path { get; set; }

    /// <summary>A hub repository id (<c>owner/name</c>), downloaded into <see cref="CacheDirectory"/> when missing.</summary>
    public string Id { get; set; } = DefaultModelId;

    /// <summary>Hub revision (branch, tag or commit).</summary>
    public string Revision { get; set; } = "main";

    /// <summary>
    /// ONNX variant by file suffix: empty for fp32 (<c>onnx/vision_model.onnx</c>), or e.g. <c>quantized</c>,
    /// <c>fp16</c>, <c>int8</c> for <c>onnx/vision_model_quantized.onnx</c> and so on.
    /// </summary>
    public string Variant { get; set; } = string.Empty;

    /// <summary>Where hub downloads are kept; defaults to <c>$XDG_CACHE_HOME/clipgrains</c> or <c>~/.cache/clipgrains</c>.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// Multiplier of cosine similarities before the softmax. CLIP's trained value is 100 (exp of the learned
    /// 4.6052); it is not in the ONNX graphs, and <c>logit_scale_init_value</c> in config.json is the untrained one.
    /// </summary>
    public float LogitScale { get; set; } = 100f;

    /// <summary>ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>ONNX Runtime inter-op threads per session.</summary>
    public int InterOpThreads { get; set; } = 1;

    /// <summary>
    /// Where ONNX Runtime's optimised graphs are kept after a model's first load, so later loads skip graph optimisation
    /// (keyed by the source file's path, size and time, and the ONNX Runtime version); null or empty turns the cache off. The
    /// optimised graphs are specific to this machine's CPU, so the folder is not shared between machines.
    /// </summary>
    public string? OptimizedGraphCache { get; set; }

    /// <summary>
    /// Whether idle ONNX Runtime threads spin. Off by default: spinning burns the cores that decoding,
    /// HTTP and Orleans need between batches.
    /// </summary>
    public bool AllowSpinning { get; set; }
}
