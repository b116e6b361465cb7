namespace ClipGrains.Abstractions.LabelSets;

/// <summary>A label set as the API shows it.</summary>
/// <param name="Name">The name, unique per tenant.</param>
/// <param name="Version">Starts at 1; bumped by every replace that changes labels or templates.</param>
/// <param name="Status">Matrix state for <paramref name="Version"/>.</param>
/// <param name="Definition">Labels and templates.</param>
/// <param name="PromptsDone">Prompts encoded so far for this version.</param>
/// <param name="PromptsTotal">Labels × templates.</param>
/// <param name="CreatedAt">When the set was first created.</param>
/// <param name="UpdatedAt">When the current version was written.</param>
/// <param name="Error">Why the build failed, when <paramref name="Status"/> is <see cref="LabelSetStatus.Failed"/>.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.label-set-info")]
public sealed record LabelSetInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] LabelSetStatus Status,
    [property: Id(3)] LabelSetDefinition Definition,
    [property: Id(4)] int PromptsDone,
    [property: Id(5)] int PromptsTotal,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] string? Error);
