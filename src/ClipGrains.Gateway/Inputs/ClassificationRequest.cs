namespace ClipGrains.Gateway.Inputs;

/// <summary>A validated classification request: images plus either ad-hoc labels (with templates) or a label-set name.</summary>
internal sealed record ClassificationRequest(
    string Model, IReadOnlyList<ApiInput> Images, IReadOnlyList<string>? Labels, IReadOnlyList<string> Templates, string? LabelSet, int? TopK);
