using System.Text.Json.Serialization;

namespace ClipGrains.Gateway.Contracts.Requests;

// Request bodies as the OpenAPI document shows them. The endpoints read bodies with the bounded JSON reader
// (Inputs/JsonBody), not by binding these types; the OpenAPI tests send each documented field.

/// <summary>The JSON body of <c>POST /v1/classifications</c> (multipart forms carry the same fields, images as files).</summary>
/// <param name="Input">Images: data URIs, raw base64, allowed http(s) URLs or <c>image_url</c> parts.</param>
/// <param name="Labels">Candidate labels (or give <paramref name="LabelSet"/>).</param>
/// <param name="LabelSet">A stored label set's name, instead of <paramref name="Labels"/>.</param>
/// <param name="HypothesisTemplate">One template with <c>{}</c> for the label (Hugging Face's pipeline name).</param>
/// <param name="Templates">Templates with <c>{}</c>, ensembled per label.</param>
/// <param name="TopK">Labels returned per image, best first.</param>
/// <param name="Model">The model id; the default when absent.</param>
internal sealed record ClassificationBody(
    [property: JsonRequired] object Input, IReadOnlyList<string>? Labels = null, string? LabelSet = null, string? HypothesisTemplate = null,
    IReadOnlyList<string>? Templates = null, int? TopK = null, string? Model = null);
