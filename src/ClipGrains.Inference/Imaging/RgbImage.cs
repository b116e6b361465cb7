namespace ClipGrains.Inference.Imaging;

/// <summary>
/// An 8-bit RGB image, interleaved (R, G, B per pixel), rows top to bottom, no padding between rows:
/// what Pillow holds after <c>convert("RGB")</c>.
/// </summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Pixels">At least Width × Height × 3 bytes (a pooled buffer may be longer; only that prefix is the image).</param>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>Bytes per row.</summary>
    public int Stride => Width * 3;
}
