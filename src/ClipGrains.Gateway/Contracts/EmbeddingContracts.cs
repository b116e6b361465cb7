namespace ClipGrains.Gateway.Contracts;

/// <summary>Embeddings in input order.</summary>
/// <param name="Data">One entry per input.</param>
/// <param name="Model">The model that computed them.</param>
/// <param name="Usage">What the request used and cost.</param>
internal sealed record EmbeddingList(IReadOnlyList<EmbeddingItem> Data, string Model, EmbeddingUsage Usage)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}

/// <summary>One input's embedding.</summary>
/// <param name="Index">The input's position in the request.</param>
/// <param name="Embedding">The unit vector: an array of numbers, or a base64 string of float32 values.</param>
internal sealed record EmbeddingItem(int Index, object Embedding)
{
    /// <summary>Always <c>embedding</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "embedding";
}

/// <summary>Usage of an embeddings request.</summary>
/// <param name="PromptTokens">Tokens of the texts.</param>
/// <param name="TotalTokens">Equal to <paramref name="PromptTokens"/>.</param>
/// <param name="Images">Images embedded.</param>
/// <param name="Credits">Credits charged.</param>
internal sealed record EmbeddingUsage(int PromptTokens, int TotalTokens, int Images, long Credits);
