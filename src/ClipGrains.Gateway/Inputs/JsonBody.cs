using System.Text.Json;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>Reads a JSON object request body, with 415/400 errors that say what to fix.</summary>
internal static class JsonBody
{
    public static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request)
    {
        if (!IsJson(request))
        {
            throw ApiException.UnsupportedMediaType($"Send the request as application/json (got \"{request.ContentType ?? "no content type"}\").");
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest("The request body must be a JSON object.");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"The request body is not valid JSON: {e.Message}", code: "invalid_json");
        }
    }

    public static string? OptionalString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw ApiException.BadRequest($"'{name}' must be a string.", name);
    }

    public static int? OptionalInt(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : throw ApiException.BadRequest($"'{name}' must be an integer.", name);
    }

    public static List<string>? OptionalStrings(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw ApiException.BadRequest($"'{name}' must be an array of strings.", name);
        }

        return value.EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}
