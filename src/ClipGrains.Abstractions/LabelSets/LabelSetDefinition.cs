namespace ClipGrains.Abstractions.LabelSets;

/// <summary>What a tenant asks for: the labels and the prompt templates (already resolved from any preset).</summary>
/// <param name="Labels">Category names, distinct, in the order results should list them on ties.</param>
/// <param name="Templates">Prompt templates with one <c>{}</c>; a label's embedding ensembles all of them.</param>
/// <param name="TemplatePreset">The preset name the templates came from, if any (for display only).</param>
/// <param name="Model">
/// The deployment whose text tower embeds the prompts: the set's vectors live in that model's space. Empty in sets
/// stored before models were a concept, which belong to the single-model deployment; on a replace, empty keeps the
/// set's model.
/// </param>
[GenerateSerializer, Immutable, Alias("clipgrains.label-set-definition")]
public sealed record LabelSetDefinition(
    [property: Id(0)] IReadOnlyList<string> Labels,
    [property: Id(1)] IReadOnlyList<string> Templates,
    [property: Id(2)] string? TemplatePreset,
    [property: Id(3)] string Model = "")
{
    /// <summary>Whether two definitions would produce the same matrix (model, labels and templates equal, in order).</summary>
    public bool SameContent(LabelSetDefinition other) =>
        other is not null && Model == other.Model && Labels.SequenceEqual(other.Labels, StringComparer.Ordinal) && Templates.SequenceEqual(other.Templates, StringComparer.Ordinal);
}
