using ClipGrains.Scoring;
using SkiaSharp;

namespace ClipGrains.Inference.Imaging;

/// <summary>
/// The allow-list of image formats (<see cref="ImageMagic"/>), as Skia's formats. The declared media type of an upload
/// is never trusted: what decides is what the bytes start with, and anything else (SVG, TIFF, PDF, HTML, text) is
/// refused before a decoder sees it.
/// </summary>
public static class ImageFormatSniffer
{
    /// <summary>The format the bytes announce, or null when they are not one of JPEG, PNG, GIF, WebP, BMP.</summary>
    public static SKEncodedImageFormat? Sniff(ReadOnlySpan<byte> bytes) => ImageMagic.Sniff(bytes) switch
    {
        ImageKind.Jpeg => SKEncodedImageFormat.Jpeg,
        ImageKind.Png => SKEncodedImageFormat.Png,
        ImageKind.Gif => SKEncodedImageFormat.Gif,
        ImageKind.Webp => SKEncodedImageFormat.Webp,
        ImageKind.Bmp => SKEncodedImageFormat.Bmp,
        _ => null,
    };
}
