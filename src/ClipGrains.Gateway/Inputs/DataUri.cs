using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>Parses <c>data:image/…;base64,…</c> URIs strictly. The declared media type is not trusted: the decoder sniffs the bytes.</summary>
internal static class DataUri
{
    public static bool LooksLikeImage(string value) => value.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase);

    public static bool IsHttpUrl(string value) =>
        value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>An image input: a data URI becomes bytes, an http(s) URL is kept for <see cref="ImageUrlResolver"/>.</summary>
    public static ApiInput Image(string value, string param) =>
        IsHttpUrl(value) ? new ApiInput(null, null, param, value) : new ApiInput(null, DecodeImage(value, param), param);

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

        if (!header.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest($"The data URI declares \"{header[5..^7]}\"; only image/* is accepted.", param, "invalid_image_url");
        }

        var payload = uri.AsSpan(comma + 1);
        var bytes = new byte[(payload.Length * 3 / 4) + 3];
        if (payload.IsEmpty || !Convert.TryFromBase64Chars(payload, bytes, out var written))
        {
            throw ApiException.BadRequest("The data URI's base64 payload is empty or not valid base64.", param, "invalid_base64");
        }

        return bytes.AsSpan(0, written).ToArray();
    }
}
