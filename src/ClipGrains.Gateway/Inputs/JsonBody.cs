using System.Text.Json;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>Reads a JSON object request body, bounded while it streams in, with 415/400 errors that say what to fix.</summary>
internal static class JsonBody
{
    public static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads the body as a JSON object, checking it while it streams in (see <see cref="BoundedJsonScanner"/>): no array
    /// may hold more than <paramref name="maxArrayItems"/> items and every string must be valid text.
    /// </summary>
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, int maxArrayItems)
    {
        if (!IsJson(request))
        {
            throw ApiException.UnsupportedMediaType($"Send the request as application/json (got \"{request.ContentType ?? "no content type"}\").");
        }

        PooledBytes body;
        try
        {
            body = await ReadCheckedAsync(request, maxArrayItems);
        }
        catch (JsonException e)
        {
            throw NotJson(e);
        }

        JsonDocument? document = null;
        try
        {
            // The document reads the pooled buffer in place and both live until the response is sent, so what the
            // handler reads (a base64 image among them) is never copied out of the body first: no Clone() of the tree.
            document = JsonDocument.Parse(body.Written, new JsonDocumentOptions { MaxDepth = MaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest("The request body must be a JSON object.");
            }

            request.HttpContext.Response.RegisterForDispose(new Owned(document, body));
            return document.RootElement;
        }
        catch (JsonException e)
        {
            Release(document, body);
            throw NotJson(e);
        }
        catch
        {
            Release(document, body);
            throw;
        }
    }

    private static ApiException NotJson(JsonException e) => ApiException.BadRequest($"The request body is not valid JSON: {e.Message}", code: "invalid_json");

    private static void Release(JsonDocument? document, PooledBytes body)
    {
        document?.Dispose();
        body.Dispose();
    }

    // The document first (it holds pooled metadata about the buffer), then the buffer it reads.
    private sealed class Owned(JsonDocument document, PooledBytes body) : IDisposable
    {
        public void Dispose() => Release(document, body);
    }

    private const int MaxDepth = 16;

    private static async Task<PooledBytes> ReadCheckedAsync(HttpRequest request, int maxArrayItems)
    {
        // Content-Length is already within the route's body limit (checked before authentication), so it sizes the buffer.
        var body = new PooledBytes((int)Math.Clamp(request.ContentLength ?? 16 * 1024, 256, 64L * 1024 * 1024));
        try
        {
            await ReadIntoAsync(request, body, maxArrayItems);
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private static async Task ReadIntoAsync(HttpRequest request, PooledBytes body, int maxArrayItems)
    {
        var scanner = new BoundedJsonScanner(maxArrayItems);
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = MaxDepth });
        var scanned = 0;
        var pipe = request.BodyReader;
        while (true)
        {
            var read = await pipe.ReadAsync(request.HttpContext.RequestAborted);
            foreach (var segment in read.Buffer)
            {
                body.Write(segment.Span);
            }

            pipe.AdvanceTo(read.Buffer.End);
            scanned += Scan(scanner, body.WrittenSpan[scanned..], read.IsCompleted, ref state);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    private static int Scan(BoundedJsonScanner scanner, ReadOnlySpan<byte> block, bool final, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(block, final, state);
        scanner.Scan(ref reader);
        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
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
