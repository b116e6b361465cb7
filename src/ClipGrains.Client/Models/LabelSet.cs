namespace ClipGrains.Client.Models;

/// <summary>What a label set is made of, to create or replace one.</summary>
/// <param name="Labels">The class names.</param>
/// <param name="Templates">Prompt templates (each with <c>{}</c>); null for the preset.</param>
/// <param name="TemplatePreset">A named template set (<c>single</c>, <c>openai-7</c>, <c>openai-80</c>).</param>
/// <param name="Name">The set's name (create only).</param>
public sealed record LabelSetRequest(IReadOnlyList<string> Labels, IReadOnlyList<string>? Templates = null, string? TemplatePreset = null, string? Name = null);

/// <summary>A label set and the progress of its current version's build.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Version">Its version (also its ETag, <c>"vN"</c>).</param>
/// <param name="Status"><c>building</c>, <c>ready</c> or <c>failed</c>.</param>
/// <param name="LabelCount">Labels in the set.</param>
/// <param name="Labels">The labels (not in lists).</param>
/// <param name="Templates">The templates.</param>
/// <param name="TemplatePreset">The preset the templates came from, if any.</param>
/// <param name="Progress">Prompts computed so far.</param>
/// <param name="Error">Why the build failed.</param>
public sealed record LabelSet(
    string Name, int Version, string Status, int LabelCount, IReadOnlyList<string>? Labels, IReadOnlyList<string> Templates,
    string? TemplatePreset, LabelSetProgress Progress, string? Error);

/// <summary>Build progress, in prompts.</summary>
/// <param name="Completed">Prompts computed.</param>
/// <param name="Total">Prompts in the version.</param>
public sealed record LabelSetProgress(int Completed, int Total);

/// <summary>One page of a tenant's label sets, in name order.</summary>
/// <param name="Data">The sets of this page.</param>
/// <param name="HasMore">Whether another page follows (ask with <c>after</c> = <paramref name="LastId"/>).</param>
/// <param name="LastId">The last name on this page.</param>
public sealed record LabelSetPage(IReadOnlyList<LabelSet> Data, bool HasMore, string? LastId);
