namespace ClipGrains.Gateway.Contracts;

/// <summary>Each image's labels, in input order.</summary>
/// <param name="Model">The model that classified them.</param>
/// <param name="Data">One entry per image.</param>
/// <param name="Usage">What the request used and cost.</param>
internal sealed record ClassificationList(string Model, IReadOnlyList<ClassificationItem> Data, ClassificationUsage Usage)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}

/// <summary>One image's labels, best first.</summary>
/// <param name="Index">The image's position in the request.</param>
/// <param name="Labels">Labels with their scores.</param>
internal sealed record ClassificationItem(int Index, IReadOnlyList<ScoredLabel> Labels)
{
    /// <summary>Always <c>classification</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "classification";
}

/// <summary>A label's score for an image.</summary>
/// <param name="Label">The label.</param>
/// <param name="Score">Softmax probability over the request's labels.</param>
/// <param name="Cosine">Cosine similarity of the image and label embeddings.</param>
internal sealed record ScoredLabel(string Label, double Score, double Cosine);

/// <summary>Usage of a classification request.</summary>
/// <param name="Images">Images classified.</param>
/// <param name="PromptTokens">Tokens of the ad-hoc prompts (0 with a label set).</param>
/// <param name="TotalTokens">Equal to <paramref name="PromptTokens"/>.</param>
/// <param name="Credits">Credits charged.</param>
internal sealed record ClassificationUsage(int Images, int PromptTokens, int TotalTokens, long Credits);
