using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// Image inputs as clients send them: <c>data:…;base64,…</c> URIs of any or no media type (Infinity clients send
/// <c>application/octet-stream</c>), raw base64 where the field can only be an image, or http(s) URLs. The declared
/// media type is never trusted: the decoder sniffs the bytes' magic number.
/// </summary>
internal static class DataUri
{
    /// <summary>
    /// An image input read straight from the JSON string's UTF-8 bytes: a multi-megabyte base64 payload is decoded
    /// without first becoming a UTF-16 string (twice its size again, per image, for the garbage collector); a string with
    /// JSON escapes is unescaped into a pooled buffer first.
    /// </summary>
    public static ApiInput Image(JsonElement value, string param)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Image(raw[1..^1], value, param);
        }

        // Escaped (System.Text.Json writes '+' as \u002B): unescaped into a pooled buffer, still without UTF-16.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            var reader = new Utf8JsonReader(raw);
            reader.Read();
            var length = reader.CopyString(buffer);
            return Image(buffer.AsSpan(0, length), value, param);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ApiInput Image(ReadOnlySpan<byte> text, JsonElement value, string param)
    {
        if (StartsWith(text, "data:"u8))
        {
            var comma = text.IndexOf((byte)',');
            if (comma < 0 || !EndsWith(text[..comma], ";base64"u8))
            {
                throw ApiException.BadRequest("The data URI must be base64-encoded (data:image/png;base64,...).", param, "invalid_image_url");
            }

            return new ApiInput(null, Base64(text[(comma + 1)..], param, "The data URI's base64 payload is empty or not valid base64."), param);
        }

        // URLs and anything else small enough to be read as text go the string way.
        return text.Length <= 8192 || StartsWith(text, "http"u8)
            ? Image(value.GetString()!, param)
            : new ApiInput(null, Base64(text, param, "The image is neither an http(s) URL, a data URI nor valid base64."), param);
    }

    /// <summary>Whether the JSON string <paramref name="value"/> is a <c>data:image/</c> URI, read without decoding it.</summary>
    public static bool LooksLikeImage(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.Length >= 2 && StartsWith(raw[1..], "data:image/"u8);
    }

    private static bool StartsWith(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix) =>
        text.Length >= prefix.Length && Ascii.EqualsIgnoreCase(text[..prefix.Length], prefix);

    private static bool EndsWith(ReadOnlySpan<byte> text, ReadOnlySpan<byte> suffix) =>
        text.Length >= suffix.Length && Ascii.EqualsIgnoreCase(text[^suffix.Length..], suffix);

    private static byte[] Base64(ReadOnlySpan<byte> payload, string param, string message)
    {
        // Sized exactly for an unbroken payload (its padding counted), so the usual image needs no second copy.
        var padding = payload.EndsWith("=="u8) ? 2 : payload.EndsWith("="u8) ? 1 : 0;
        var bytes = new byte[Math.Max(0, System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(payload.Length) - padding)];
        if (payload.IsEmpty || System.Buffers.Text.Base64.DecodeFromUtf8(payload, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            throw ApiException.BadRequest(message, param, "invalid_base64");
        }

        return written == bytes.Length ? bytes : bytes.AsSpan(0, written).ToArray();
    }

    public static bool LooksLikeImage(string value) => value.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase);

    public static bool IsHttpUrl(string value) =>
        value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An image input: an http(s) URL is kept for <see cref="ImageUrlResolver"/>, a data URI or raw base64 becomes bytes.
    /// </summary>
    public static ApiInput Image(string value, string param)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsHttpUrl(value))
        {
            return new ApiInput(null, null, param, value);
        }

        if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return new ApiInput(null, DecodeImage(value, param), param);
        }

        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && value[..scheme].All(char.IsAsciiLetterOrDigit))
        {
            throw ApiException.BadRequest("An image URL must be http(s); or send the image as a data URI or base64.", param, "invalid_image_url");
        }

        return new ApiInput(null, Base64(value.AsSpan(), param, "The image is neither an http(s) URL, a data URI nor valid base64."), param);
    }

    public static byte[] DecodeImage(string uri, string param)
    {
        if (!uri.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest("An image must be a data URI (data:image/png;base64,...).", param, "invalid_image_url");
        }

        var comma = uri.IndexOf(',', StringComparison.Ordinal);
        var header = comma < 0 ? uri : uri[..comma];
        if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest("The data URI must be base64-encoded (data:image/png;base64,...).", param, "invalid_image_url");
        }

        // Any declared type, or none: the bytes' magic number decides (a PDF is refused as 415 by the sniffer).
        return Base64(uri.AsSpan(comma + 1), param, "The data URI's base64 payload is empty or not valid base64.");
    }

    private static byte[] Base64(ReadOnlySpan<char> payload, string param, string message)
    {
        var bytes = new byte[(payload.Length * 3 / 4) + 3];
        if (payload.IsEmpty || !Convert.TryFromBase64Chars(payload, bytes, out var written))
        {
            throw ApiException.BadRequest(message, param, "invalid_base64");
        }

        return bytes.AsSpan(0, written).ToArray();
    }
}
