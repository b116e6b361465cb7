using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// Checks a JSON body token by token as it arrives, before anything builds a document from it: no array longer than
/// the route accepts (the read stops at the first item too many, so a 16-million-item array costs one buffer, not a
/// multi-gigabyte DOM) and no string that is not valid text (a lone UTF-16 surrogate escape or invalid UTF-8 bytes),
/// each refused with a 400 that names the field.
/// </summary>
internal sealed class BoundedJsonScanner(int maxArrayItems)
{
    private readonly Stack<Container> _open = new();
    private string? _property;

    /// <summary>Reads every complete token in <paramref name="reader"/>; its state carries over to the next block.</summary>
    public void Scan(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    EnsureValidText(ref reader);
                    _property = reader.GetString();
                    continue;
                case JsonTokenType.StartArray:
                case JsonTokenType.StartObject:
                    CountItem();
                    _open.Push(new Container(reader.TokenType == JsonTokenType.StartArray, Path()));
                    _property = null;
                    continue;
                case JsonTokenType.EndArray:
                case JsonTokenType.EndObject:
                    _open.Pop();
                    continue;
                case JsonTokenType.String:
                    CountItem();
                    EnsureValidText(ref reader);
                    break;
                default:
                    CountItem();
                    break;
            }

            _property = null;
        }
    }

    private void CountItem()
    {
        if (_open.TryPeek(out var container) && container.IsArray && ++container.Items > maxArrayItems)
        {
            throw ApiException.BadRequest(
                $"'{container.Path}' has more than {maxArrayItems} items; at most {maxArrayItems} are accepted per request.", container.Path, "too_many_items");
        }
    }

    private void EnsureValidText(ref Utf8JsonReader reader)
    {
        var valid = reader.ValueIsEscaped ? CanUnescape(ref reader) : Utf8.IsValid(reader.ValueSpan);
        if (!valid)
        {
            var field = reader.TokenType == JsonTokenType.PropertyName ? "a property name" : $"'{Path()}'";
            throw ApiException.BadRequest(
                $"{field} is not valid text: it holds a lone UTF-16 surrogate (such as \\ud800) or bytes that are not UTF-8; send Unicode text.",
                reader.TokenType == JsonTokenType.PropertyName ? null : Path(), "invalid_text");
        }
    }

    private static bool CanUnescape(ref Utf8JsonReader reader)
    {
        // Escapes are how a lone surrogate gets into JSON text (raw ones are invalid UTF-8, caught above). A string
        // whose raw bytes are valid and that escapes no surrogate at all (serializers escape '+' and '/' in every
        // base64 image) is valid without unescaping a copy of it.
        var raw = reader.ValueSpan;
        if (Utf8.IsValid(raw) && !EscapesSurrogate(raw))
        {
            return true;
        }

        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // Whether the raw JSON text holds a \uD800-\uDFFF escape (surrogates are D8-DF in the escape's first byte).
    private static bool EscapesSurrogate(ReadOnlySpan<byte> raw)
    {
        for (var at = raw.IndexOf("\\u"u8); at >= 0; at = raw.IndexOf("\\u"u8))
        {
            if (raw.Length >= at + 4 && raw[at + 2] is (byte)'d' or (byte)'D' && raw[at + 3] is >= (byte)'8' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F')
            {
                return true;
            }

            raw = raw[(at + 2)..];
        }

        return false;
    }

    // "input[3]", "image_url.url", "labels": where the current value sits, for error messages.
    private string Path()
    {
        if (!_open.TryPeek(out var container))
        {
            return "body";
        }

        var parent = container.Path == "body" ? string.Empty : container.Path;
        return container.IsArray
            ? $"{parent}[{container.Items - 1}]"
            : parent.Length == 0 ? _property ?? string.Empty : new StringBuilder(parent).Append('.').Append(_property).ToString();
    }

    private sealed class Container(bool isArray, string path)
    {
        public bool IsArray { get; } = isArray;

        public string Path { get; } = path;

        public int Items { get; set; }
    }
}
