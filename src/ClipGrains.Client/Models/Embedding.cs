namespace ClipGrains.Client.Models;

/// <summary>Embeddings in input order.</summary>
/// <param name="Model">The model that embedded them.</param>
/// <param name="Data">One unit vector per input.</param>
/// <param name="Usage">What the request used and cost.</param>
public sealed record EmbeddingList(string Model, IReadOnlyList<Embedding> Data, EmbeddingUsage Usage);

/// <summary>One input's embedding.</summary>
/// <param name="Index">The input's position in the request.</param>
/// <param name="Vector">The unit-length embedding (JSON <c>embedding</c>).</param>
public sealed record Embedding(int Index, [property: System.Text.Json.Serialization.JsonPropertyName("embedding")] float[] Vector);

/// <summary>Usage of an embeddings request.</summary>
/// <param name="PromptTokens">Tokens of the texts encoded.</param>
/// <param name="Images">Images embedded.</param>
/// <param name="Credits">Credits charged.</param>
public sealed record EmbeddingUsage(int PromptTokens, int Images, long Credits);
