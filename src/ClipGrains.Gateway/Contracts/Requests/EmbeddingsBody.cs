using System.Text.Json.Serialization;

namespace ClipGrains.Gateway.Contracts.Requests;

// Request bodies as the OpenAPI document shows them. The endpoints read bodies with the bounded JSON reader
// (Inputs/JsonBody), not by binding these types; the OpenAPI tests send each documented field.

/// <summary>The body of <c>POST /v1/embeddings</c> (OpenAI's, plus <c>modality</c> and image inputs).</summary>
/// <param name="Input">A string, an array of strings, or an array of parts: <c>{"type":"text","text":…}</c>,
/// <c>{"type":"image_url","image_url":{"url":…}}</c>, Jina's <c>{"text":…}</c> / <c>{"image":…}</c>.</param>
/// <param name="Model">The model id; the default when absent.</param>
/// <param name="EncodingFormat"><c>float</c> (default) or <c>base64</c> (little-endian float32).</param>
/// <param name="Modality"><c>text</c> (default) or <c>image</c>: how plain strings are read.</param>
/// <param name="Dimensions">Accepted only when equal to the model's embedding size.</param>
/// <param name="User">Ignored; accepted for OpenAI compatibility.</param>
internal sealed record EmbeddingsBody(
    [property: JsonRequired] object Input, string? Model = null, string? EncodingFormat = null, string? Modality = null, int? Dimensions = null, string? User = null);
