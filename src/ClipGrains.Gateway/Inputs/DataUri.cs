using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// Image inputs as clients send them: <c>data:…;base64,…</c> URIs of any or no media type (Infinity clients send
/// <c>application/octet-stream</c>), raw base64 where the field can only be an image, or http(s) URLs. The declared
/// media type is never trusted: the decoder sniffs the bytes' magic number.
/// </summary>
internal static class DataUri
{
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
