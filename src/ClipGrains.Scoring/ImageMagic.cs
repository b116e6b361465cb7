namespace ClipGrains.Scoring;

/// <summary>The image formats the service accepts, as their bytes announce them.</summary>
public enum ImageKind
{
    /// <summary>JPEG (FF D8 FF).</summary>
    Jpeg,

    /// <summary>PNG (89 'PNG' 0D 0A 1A 0A).</summary>
    Png,

    /// <summary>GIF (GIF87a, GIF89a).</summary>
    Gif,

    /// <summary>WebP (RIFF … WEBP).</summary>
    Webp,

    /// <summary>BMP ('BM').</summary>
    Bmp,
}

/// <summary>
/// The allow-list of image formats by magic bytes, in this dependency-free assembly because both sides apply it: the
/// decoder refuses anything else before a codec sees it, and the gateway's URL fetcher stops downloading a body whose
/// first bytes are not an image. The declared media type is never trusted.
/// </summary>
public static class ImageMagic
{
    /// <summary>Bytes enough to tell every accepted format.</summary>
    public const int PrefixLength = 14;

    /// <summary>The format <paramref name="bytes"/> start with, or null when they are not one of JPEG, PNG, GIF, WebP, BMP.</summary>
    public static ImageKind? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageKind.Jpeg;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageKind.Png;
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return ImageKind.Gif;
        }

        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageKind.Webp;
        }

        return bytes.Length >= 14 && bytes.StartsWith("BM"u8) ? ImageKind.Bmp : null;
    }

    /// <summary>What a refusal says: the one wording of the allow-list.</summary>
    public const string Refusal = "The bytes are not a JPEG, PNG, WebP, GIF or BMP image; send one of those formats.";
}
