namespace ClipGrains.Client.Models;

/// <summary>A JSON classification request: images (data URIs or allowed URLs) and either labels or a label set.</summary>
/// <param name="Input">Images as <c>data:image/…;base64,…</c> URIs (see <see cref="Images"/>) or http(s) URLs.</param>
/// <param name="Labels">Ad-hoc candidate labels.</param>
/// <param name="LabelSet">Name of a stored label set, instead of <paramref name="Labels"/>.</param>
/// <param name="TopK">Labels returned per image, best first.</param>
/// <param name="Templates">Prompt templates for ad-hoc labels (each with <c>{}</c>), ensembled.</param>
/// <param name="Model">Model id; null for the default.</param>
public sealed record ClassifyRequest(
    IReadOnlyList<string> Input,
    IReadOnlyList<string>? Labels = null,
    string? LabelSet = null,
    int? TopK = null,
    IReadOnlyList<string>? Templates = null,
    string? Model = null)
{
    /// <summary>Encodes image files as data URIs (the server sniffs the real format from the bytes).</summary>
    public static IReadOnlyList<string> Images(IEnumerable<byte[]> images) =>
        images.Select(i => "data:application/octet-stream;base64," + Convert.ToBase64String(i)).ToList();
}

/// <summary>The classifications of a request's images, in input order.</summary>
/// <param name="Model">The model that classified them.</param>
/// <param name="Data">One entry per image.</param>
/// <param name="Usage">What the request used and cost.</param>
public sealed record ClassificationList(string Model, IReadOnlyList<Classification> Data, ClassificationUsage Usage);

/// <summary>One image's labels, best first.</summary>
/// <param name="Index">The image's position in the request.</param>
/// <param name="Labels">Labels with their softmax scores and cosines.</param>
public sealed record Classification(int Index, IReadOnlyList<LabelScore> Labels);

/// <summary>A label's score for an image.</summary>
/// <param name="Label">The label.</param>
/// <param name="Score">Softmax probability over the request's labels.</param>
/// <param name="Cosine">Cosine similarity of the image and label embeddings.</param>
public sealed record LabelScore(string Label, double Score, double Cosine);

/// <summary>Usage of a classification request.</summary>
/// <param name="Images">Images classified.</param>
/// <param name="PromptTokens">Tokens of the ad-hoc prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
public sealed record ClassificationUsage(int Images, int PromptTokens, long Credits);
