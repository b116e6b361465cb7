namespace ClipGrains.Gateway.Contracts.Requests;

// Request bodies as the OpenAPI document shows them. The endpoints read bodies with the bounded JSON reader
// (Inputs/JsonBody), not by binding these types; the OpenAPI tests send each documented field.

/// <summary>The body of <c>POST /v1/label-sets</c> and <c>PUT /v1/label-sets/{name}</c>.</summary>
/// <param name="Name">The set's name (required on create; on replace, equal to the URL's if given).</param>
/// <param name="Labels">The class names.</param>
/// <param name="Templates">Templates with <c>{}</c>; or give <paramref name="TemplatePreset"/>.</param>
/// <param name="TemplatePreset">A named template set: <c>single</c>, <c>openai-7</c>, <c>openai-80</c>.</param>
/// <param name="Model">The model to embed the prompts with: the default on create; on replace, the set's own unless given (another one moves the set and rebuilds it).</param>
internal sealed record LabelSetBody(
    IReadOnlyList<string> Labels, string? Name = null, IReadOnlyList<string>? Templates = null, string? TemplatePreset = null, string? Model = null);
