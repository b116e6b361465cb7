using SkiaSharp;

namespace ClipGrains.Benchmarks;

/// <summary>
/// A photo-like JPEG (smooth gradients plus fine noise, quality 90), so the decoder does the work a camera
/// image costs rather than the near-free work of a flat test card.
/// </summary>
internal static class SyntheticPhoto
{
    public static byte[] Jpeg(int width, int height, int seed = 42)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = ((y * width) + x) * 4;
                var noise = random.Next(-24, 25);
                pixels[p] = Clamp((x * 255 / width) + noise);
                pixels[p + 1] = Clamp((y * 255 / height) + noise);
                pixels[p + 2] = Clamp(128 + (int)(100 * Math.Sin((x + y) / 37.0)) + noise);
                pixels[p + 3] = 255;
            }
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
