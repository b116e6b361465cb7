using SkiaSharp;

namespace ClipGrains.Inference.Imaging;

/// <summary>
/// Maps a pixel of the upright (EXIF-transposed) image back to where it is stored, as Pillow's
/// <c>ImageOps.exif_transpose</c> does; Hugging Face's <c>load_image</c> applies that before preprocessing.
/// </summary>
internal static class ExifOrientation
{
    public static bool SwapsAxes(SKEncodedOrigin origin) => origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
        or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>Stored coordinates of upright pixel (x, y); <paramref name="w"/> × <paramref name="h"/> is the stored size.</summary>
    public static (int X, int Y) Source(SKEncodedOrigin origin, int x, int y, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => (w - 1 - x, y),
        SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
        SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
        SKEncodedOrigin.LeftTop => (y, x),
        SKEncodedOrigin.RightTop => (y, h - 1 - x),
        SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
        SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
        _ => (x, y),
    };
}
