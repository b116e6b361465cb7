namespace ClipGrains.Abstractions.Configuration;

/// <summary>
/// One model the cluster serves (an entry of <c>ClipGrains:Models:Deployments</c>): where its files are, what it costs
/// and how long a silo keeps it loaded without requests.
/// </summary>
public sealed class ModelDeploymentOptions
{
    /// <summary>The name clients send as <c>model</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Other names for it (the hub id, say); URL-encoded forms are accepted too.</summary>
    public string[] Aliases { get; set; } = [];

    /// <summary>A local folder in Hugging Face layout; wins over <see cref="Source"/>.</summary>
    public string? Path { get; set; }

    /// <summary>A hub repository id downloaded on first load when no <see cref="Path"/> is given.</summary>
    public string? Source { get; set; }

    /// <summary>Hub revision of <see cref="Source"/>.</summary>
    public string Revision { get; set; } = "main";

    /// <summary>ONNX variant by file suffix: empty for fp32, <c>quantized</c> for the int8 graphs, …</summary>
    public string Variant { get; set; } = string.Empty;

    /// <summary>Multiplier of cosines before the softmax (CLIP's trained 100).</summary>
    public float LogitScale { get; set; } = 100f;

    /// <summary>ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>ONNX Runtime inter-op threads per session.</summary>
    public int InterOpThreads { get; set; } = 1;

    /// <summary>
    /// Copies kept loaded without requests: 0 lets every silo unload it after <see cref="IdleTimeout"/> (scale to
    /// zero); 1 or more keeps it loaded on each silo from start (today's single-model behaviour).
    /// </summary>
    public int MinCopies { get; set; }

    /// <summary>
    /// Copies the cluster may hold: another copy is loaded on a silo without one while every holder's queue stays deep;
    /// 0 allows one per silo.
    /// </summary>
    public int MaxCopies { get; set; }

    /// <summary>How long a silo keeps the model loaded after its last request (when <see cref="MinCopies"/> is 0).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>This model's prices; unset fields take <c>ClipGrains:Pricing</c>'s.</summary>
    public ModelPricingOptions Pricing { get; set; } = new();

    /// <summary>Creation time shown in <c>GET /v1/models</c>, Unix seconds (CLIP's release by default).</summary>
    public long Created { get; set; } = 1609804800;

    /// <summary>Who published the weights, shown in <c>GET /v1/models</c>.</summary>
    public string OwnedBy { get; set; } = "openai";

    /// <summary>Whether <paramref name="name"/> names this deployment: its id or an alias, also URL-encoded.</summary>
    public bool IsNamed(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var decoded = Uri.UnescapeDataString(name);
        return Matches(name) || Matches(decoded);

        bool Matches(string candidate) => string.Equals(candidate, Id, StringComparison.Ordinal) || Aliases.Contains(candidate, StringComparer.Ordinal);
    }
}
