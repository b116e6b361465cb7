using System.Text.Json;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// Reads the <c>input</c> member of embeddings and classification requests: a string, an array of strings,
/// or an array of typed parts (<c>{"type":"text","text":…}</c>, <c>{"type":"image_url","image_url":{"url":…}}</c>)
/// or Jina's untyped parts (<c>{"text":…}</c>, <c>{"image":…}</c>).
/// </summary>
internal static class InputParser
{
    /// <param name="input">The JSON value.</param>
    /// <param name="stringsAreImages">Plain strings are image data URIs (<c>"modality":"image"</c>, or classification).</param>
    /// <param name="maxItems">Most items accepted.</param>
    public static List<ApiInput> Parse(JsonElement input, bool stringsAreImages, int maxItems)
    {
        var items = input.ValueKind switch
        {
            JsonValueKind.String or JsonValueKind.Object => [input],
            JsonValueKind.Array => input.EnumerateArray().ToList(),
            JsonValueKind.Undefined or JsonValueKind.Null => throw ApiException.BadRequest("'input' is required.", "input", "missing_required_parameter"),
            _ => throw ApiException.BadRequest("'input' must be a string, an array of strings, or an array of text/image_url parts.", "input"),
        };
        if (items.Count == 0)
        {
            throw ApiException.BadRequest("'input' must not be empty.", "input");
        }

        if (items.Count > maxItems)
        {
            throw ApiException.BadRequest($"'input' has {items.Count} items; at most {maxItems} are accepted per request.", "input", "too_many_inputs");
        }

        var parsed = new List<ApiInput>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var param = input.ValueKind == JsonValueKind.Array ? $"input[{i}]" : "input";
            parsed.Add(ParseItem(items[i], param, stringsAreImages));
        }

        return parsed;
    }

    private static ApiInput ParseItem(JsonElement item, string param, bool stringsAreImages)
    {
        switch (item.ValueKind)
        {
            case JsonValueKind.String:
                if (stringsAreImages)
                {
                    return DataUri.Image(item, param);
                }

                if (DataUri.LooksLikeImage(item))
                {
                    throw ApiException.BadRequest(
                        "This string is an image data URI; set \"modality\": \"image\" or send it as {\"type\":\"image_url\",\"image_url\":{\"url\":...}} so it is not embedded as text.",
                        param, "ambiguous_input");
                }

                return new ApiInput(item.GetString()!, null, param);
            case JsonValueKind.Object:
                return ParsePart(item, param);
            case JsonValueKind.Number:
            case JsonValueKind.Array:
                throw ApiException.BadRequest(
                    "Token-id inputs are not supported; send text as strings (LangChain: OpenAIEmbeddings(check_embedding_ctx_length=False)).", param, "token_ids_not_supported");
            default:
                throw ApiException.BadRequest("Each input must be a string or a text/image_url part.", param);
        }
    }

    private static ApiInput ParsePart(JsonElement part, string param)
    {
        var type = part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

        // Jina's form: {"text": "…"} or {"image": "<url | base64 | data URI>"}, no type.
        if (type is null && part.TryGetProperty("image", out var jinaImage))
        {
            return jinaImage.ValueKind == JsonValueKind.String
                ? DataUri.Image(jinaImage, param) with { Param = param }
                : throw ApiException.BadRequest("'image' must be a URL, a data URI or base64.", param + ".image");
        }

        if (type is null && part.TryGetProperty("text", out var jinaText))
        {
            return jinaText.ValueKind == JsonValueKind.String
                ? new ApiInput(jinaText.GetString(), null, param)
                : throw ApiException.BadRequest("'text' must be a string.", param + ".text");
        }

        switch (type)
        {
            case "text":
                if (!part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw ApiException.BadRequest("A text part needs a string 'text'.", param + ".text");
                }

                return new ApiInput(text.GetString(), null, param);
            case "image_url":
                if (!part.TryGetProperty("image_url", out var imageUrl))
                {
                    throw ApiException.BadRequest("An image_url part needs 'image_url'.", param + ".image_url");
                }

                JsonElement? url = imageUrl.ValueKind switch
                {
                    JsonValueKind.String => imageUrl,
                    JsonValueKind.Object when imageUrl.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u,
                    _ => null,
                };
                var image = DataUri.Image(
                    url ?? throw ApiException.BadRequest("'image_url' must be {\"url\": \"data:image/...;base64,...\"}.", param + ".image_url"), param + ".image_url.url");
                return image with { Param = param };
            default:
                throw ApiException.BadRequest(
                    "A part must be {\"type\":\"text\",\"text\":…}, {\"type\":\"image_url\",\"image_url\":{\"url\":…}}, {\"text\":…} or {\"image\":…}.", param + ".type");
        }
    }
}
