using ClipGrains.Inference.Imaging;
using SkiaSharp;

namespace ClipGrains.Inference.Tests.Support;

/// <summary>Deterministic images made in the test, encoded with Skia.</summary>
public static class TestImages
{
    public static RgbImage Gradient(int width, int height, int seed = 0)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = ((y * width) + x) * 3;
                pixels[p] = (byte)((x * 255 / Math.Max(1, width - 1)) ^ seed);
                pixels[p + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                pixels[p + 2] = (byte)(((x + y) * 37 + seed) % 256);
            }
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>Full-range random pixels: overshoot at every edge when resampled, and slow to decode when encoded.</summary>
    public static RgbImage Noise(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    public static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality = 95) => PngEncoder.Encode(image, format, quality);
}
