using SkiaSharp;

namespace ClipGrains.Inference.Imaging;

/// <summary>
/// The allow-list of image formats, by magic bytes. The declared media type of an upload is never trusted:
/// what decides is what the bytes start with, and anything else (SVG, TIFF, PDF, HTML, text) is refused
/// before a decoder sees it.
/// </summary>
public static class ImageFormatSniffer
{
    /// <summary>The format the bytes announce, or null when they are not one of JPEG, PNG, GIF, WebP, BMP.</summary>
    public static SKEncodedImageFormat? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return SKEncodedImageFormat.Jpeg;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return SKEncodedImageFormat.Png;
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return SKEncodedImageFormat.Gif;
        }

        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return SKEncodedImageFormat.Webp;
        }

        return bytes.Length >= 14 && bytes.StartsWith("BM"u8) ? SKEncodedImageFormat.Bmp : null;
    }
}
