using System.Text.Json;

namespace ClipGrains.Gateway.Inputs;

/// <summary>A validated classification request: images plus either ad-hoc labels (with templates) or a label-set name.</summary>
internal sealed record ClassificationRequest(
    string? Model, IReadOnlyList<ApiInput> Images, IReadOnlyList<string>? Labels, IReadOnlyList<string> Templates, string? LabelSet, int? TopK)
{
    /// <summary>Prompts an ad-hoc request encodes (labels × templates); 0 with a label set.</summary>
    public int Prompts => (Labels?.Count ?? 0) * Templates.Count;

    /// <summary>
    /// The request's meaning as text, for idempotency fingerprints: the same images, labels and options give the same
    /// string whether they came as JSON or as multipart (whose random boundaries differ on every retry). Serialized as
    /// JSON, so no two different requests share it (joining labels with a separator made ["cat\u001fdog"] and
    /// ["cat","dog"] one request).
    /// </summary>
    public string Canonical() => JsonSerializer.Serialize(new CanonicalForm(
        Model, LabelSet, Labels, Templates, TopK, Images.Select(i => i.Image is not null ? i.ImageHash : "url:" + i.Url).ToList()));

    private sealed record CanonicalForm(
        string? Model, string? LabelSet, IReadOnlyList<string>? Labels, IReadOnlyList<string> Templates, int? TopK, List<string> Images);
}
