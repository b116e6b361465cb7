using System.Text.Json;
using ClipGrains.Abstractions.Collections;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// Reads a metadata filter in OpenAI's vector-store shape: <c>{"type":"eq","key":"group","value":"b"}</c> for
/// <c>eq ne gt gte lt lte in nin</c>, or <c>{"type":"and"|"or","filters":[…]}</c>, nested at most
/// <see cref="MaxDepth"/> deep with at most <see cref="MaxNodes"/> parts. Every mistake is a 400 naming where it is.
/// </summary>
internal static class FilterReader
{
    public const int MaxDepth = 8;
    public const int MaxNodes = 64;

    public static ItemFilter? Read(JsonElement value, string param)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        var nodes = 0;
        return Node(value, param, 1, ref nodes);
    }

    private static ItemFilter Node(JsonElement value, string param, int depth, ref int nodes)
    {
        if (++nodes > MaxNodes || depth > MaxDepth)
        {
            throw ApiException.BadRequest($"'{param}' is too large: a filter may have at most {MaxNodes} parts, {MaxDepth} levels deep.", param, "invalid_filter");
        }

        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            throw ApiException.BadRequest($"'{param}' must be an object with a 'type': one of {string.Join(", ", ItemFilter.Comparisons)}, and, or.", param, "invalid_filter");
        }

        var type = typeElement.GetString()!;
        if (type is "and" or "or")
        {
            if (!value.TryGetProperty("filters", out var filters) || filters.ValueKind != JsonValueKind.Array || filters.GetArrayLength() == 0)
            {
                throw ApiException.BadRequest($"'{param}.filters' must be a non-empty array of filters for \"{type}\".", $"{param}.filters", "invalid_filter");
            }

            var parts = new List<ItemFilter>();
            var index = 0;
            foreach (var part in filters.EnumerateArray())
            {
                parts.Add(Node(part, $"{param}.filters[{index++}]", depth + 1, ref nodes));
            }

            return new ItemFilter(type, Filters: parts);
        }

        if (!ItemFilter.Comparisons.Contains(type))
        {
            throw ApiException.BadRequest(
                $"'{param}.type' is \"{type}\"; use one of {string.Join(", ", ItemFilter.Comparisons)}, and, or.", $"{param}.type", "invalid_filter");
        }

        if (!value.TryGetProperty("key", out var keyElement) || keyElement.ValueKind != JsonValueKind.String || keyElement.GetString()!.Length == 0)
        {
            throw ApiException.BadRequest($"'{param}.key' must name a metadata key.", $"{param}.key", "invalid_filter");
        }

        if (!value.TryGetProperty("value", out var operand))
        {
            throw ApiException.BadRequest($"'{param}.value' is required for \"{type}\".", $"{param}.value", "invalid_filter");
        }

        return new ItemFilter(type, keyElement.GetString(), Operand(type, operand, $"{param}.value"));
    }

    private static MetaValue Operand(string type, JsonElement value, string param)
    {
        switch (type)
        {
            case "in" or "nin":
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                {
                    throw ApiException.BadRequest($"'{param}' must be a non-empty array of strings or of numbers for \"{type}\".", param, "invalid_filter");
                }

                var items = value.EnumerateArray().ToList();
                if (items.All(i => i.ValueKind == JsonValueKind.String))
                {
                    return new MetaValue(MetaKind.TextArray, Texts: [.. items.Select(i => i.GetString()!)]);
                }

                if (items.All(i => i.ValueKind == JsonValueKind.Number && i.TryGetDouble(out var n) && double.IsFinite(n)))
                {
                    return new MetaValue(MetaKind.NumberArray, Numbers: [.. items.Select(i => i.GetDouble())]);
                }

                throw ApiException.BadRequest($"'{param}' must be all strings or all numbers.", param, "invalid_filter");
            case "gt" or "gte" or "lt" or "lte":
                return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var bound) && double.IsFinite(bound)
                    ? MetaValue.Of(bound)
                    : throw ApiException.BadRequest($"'{param}' must be a number for \"{type}\".", param, "invalid_filter");
            default:
                return value.ValueKind switch
                {
                    JsonValueKind.String => MetaValue.Of(value.GetString()!),
                    JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number) => MetaValue.Of(number),
                    JsonValueKind.True => MetaValue.Of(true),
                    JsonValueKind.False => MetaValue.Of(false),
                    _ => throw ApiException.BadRequest($"'{param}' must be a string, a number or a boolean for \"{type}\".", param, "invalid_filter"),
                };
        }
    }
}
