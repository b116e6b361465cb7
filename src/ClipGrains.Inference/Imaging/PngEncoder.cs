using System.Runtime.InteropServices;
using SkiaSharp;

namespace ClipGrains.Inference.Imaging;

/// <summary>Encodes an <see cref="RgbImage"/> (opaque) with Skia: to show a person what the model sees.</summary>
public static class PngEncoder
{
    /// <summary>The image in <paramref name="format"/> (PNG by default; lossy formats take <paramref name="quality"/>).</summary>
    public static byte[] Encode(RgbImage image, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 100)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int s = 0, d = 0; d < rgba.Length; s += 3, d += 4)
        {
            rgba[d] = image.Pixels[s];
            rgba[d + 1] = image.Pixels[s + 1];
            rgba[d + 2] = image.Pixels[s + 2];
            rgba[d + 3] = 255;
        }

        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }
}
