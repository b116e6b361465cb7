using System.Security.Cryptography;

namespace ClipGrains.Gateway.Inputs;

/// <summary>A validated classification request: images plus either ad-hoc labels (with templates) or a label-set name.</summary>
internal sealed record ClassificationRequest(
    string Model, IReadOnlyList<ApiInput> Images, IReadOnlyList<string>? Labels, IReadOnlyList<string> Templates, string? LabelSet, int? TopK)
{
    /// <summary>Prompts an ad-hoc request encodes (labels × templates); 0 with a label set.</summary>
    public int Prompts => (Labels?.Count ?? 0) * Templates.Count;

    /// <summary>
    /// The request's meaning as text, for idempotency fingerprints: the same images, labels and options give the same
    /// string whether they came as JSON or as multipart (whose random boundaries differ on every retry).
    /// </summary>
    public string Canonical() => string.Join('\n',
    [
        Model, LabelSet ?? "-", string.Join('\u001f', Labels ?? []), string.Join('\u001f', Templates), TopK?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
        .. Images.Select(i => Convert.ToHexString(SHA256.HashData(i.Image!))),
    ]);
}
