namespace ClipGrains.Gateway.Contracts;

/// <summary>A label set and the progress of its current version's build.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Version">Its version; the ETag is <c>"v{version}"</c>.</param>
/// <param name="Status"><c>building</c>, <c>ready</c> or <c>failed</c>.</param>
/// <param name="LabelCount">Labels in the set.</param>
/// <param name="Labels">The labels; null in lists.</param>
/// <param name="Templates">The templates.</param>
/// <param name="TemplatePreset">The preset the templates came from, if any.</param>
/// <param name="Progress">Prompts computed so far.</param>
/// <param name="CreatedAt">Creation of the set, Unix seconds.</param>
/// <param name="UpdatedAt">Last change, Unix seconds.</param>
/// <param name="Error">Why the build failed; null otherwise.</param>
/// <param name="Model">The model whose space the set's vectors are in: classifications with the set run on it.</param>
/// <param name="Usage">What the write was charged; null except on writes.</param>
internal sealed record LabelSetObject(
    string Name, int Version, string Status, int LabelCount, IReadOnlyList<string>? Labels, IReadOnlyList<string> Templates,
    string? TemplatePreset, LabelSetProgress Progress, long CreatedAt, long UpdatedAt, string? Error, string Model, LabelSetUsage? Usage)
{
    /// <summary>Always <c>label_set</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "label_set";
}

/// <summary>Build progress, in prompts.</summary>
/// <param name="Completed">Prompts computed.</param>
/// <param name="Total">Prompts in the version.</param>
internal sealed record LabelSetProgress(int Completed, int Total);

/// <summary>What a label-set write was charged.</summary>
/// <param name="Prompts">Prompts the version has (labels × templates).</param>
/// <param name="Credits">Credits charged (reserved while building).</param>
internal sealed record LabelSetUsage(int Prompts, long Credits);

/// <summary>One page of label sets in name order (OpenAI's list shape).</summary>
/// <param name="Data">The page's sets, without their labels.</param>
/// <param name="FirstId">The first name on the page.</param>
/// <param name="LastId">The last name on the page: the next page's <c>after</c>.</param>
/// <param name="HasMore">Whether another page follows.</param>
internal sealed record LabelSetList(IReadOnlyList<LabelSetObject> Data, string? FirstId, string? LastId, bool HasMore)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}
