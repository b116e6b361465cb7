using System.Text.Json;
using ClipGrains.Abstractions.Collections;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// Reads item and collection metadata: a flat JSON object of strings, numbers, booleans and arrays of strings, at most
/// <c>maxBytes</c> as stored JSON, keys of 1–64 characters. Anything else is a 400 naming the member.
/// </summary>
internal static class MetadataReader
{
    /// <summary>Most keys in one object.</summary>
    public const int MaxKeys = 64;

    /// <summary>Most characters in a key.</summary>
    public const int MaxKeyLength = 64;

    /// <summary>Most strings in one array value.</summary>
    public const int MaxArrayLength = 64;

    public static IReadOnlyDictionary<string, MetaValue> Read(JsonElement value, string param, int maxBytes)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return MetadataJson.None;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest($"'{param}' must be a JSON object of strings, numbers, booleans or arrays of strings.", param, "invalid_metadata");
        }

        var metadata = new Dictionary<string, MetaValue>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            var key = $"{param}.{property.Name}";
            if (property.Name.Length is 0 or > MaxKeyLength)
            {
                throw ApiException.BadRequest($"Metadata keys must be 1-{MaxKeyLength} characters; '{Shorten(property.Name)}' is not.", param, "invalid_metadata");
            }

            if (metadata.Count == MaxKeys)
            {
                throw ApiException.BadRequest($"'{param}' may have at most {MaxKeys} keys.", param, "metadata_too_large");
            }

            metadata[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => MetaValue.Of(property.Value.GetString()!),
                JsonValueKind.Number when property.Value.TryGetDouble(out var number) && double.IsFinite(number) => MetaValue.Of(number),
                JsonValueKind.True => MetaValue.Of(true),
                JsonValueKind.False => MetaValue.Of(false),
                JsonValueKind.Array => MetaValue.Of(Strings(property.Value, key)),
                _ => throw ApiException.BadRequest(
                    $"'{key}' must be a string, a number, a boolean or an array of strings (metadata is flat: no objects or nulls).", key, "invalid_metadata"),
            };
        }

        var bytes = MetadataJson.Write(metadata).Length;
        if (bytes > maxBytes)
        {
            throw ApiException.BadRequest($"'{param}' takes {bytes} bytes as JSON; at most {maxBytes} are allowed.", param, "metadata_too_large");
        }

        return metadata;
    }

    private static string[] Strings(JsonElement array, string param)
    {
        if (array.GetArrayLength() > MaxArrayLength)
        {
            throw ApiException.BadRequest($"'{param}' may have at most {MaxArrayLength} strings.", param, "metadata_too_large");
        }

        return [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw ApiException.BadRequest($"'{param}' must be an array of strings.", param, "invalid_metadata"))];
    }

    private static string Shorten(string key) => key.Length > 20 ? key[..20] + "…" : key;
}
