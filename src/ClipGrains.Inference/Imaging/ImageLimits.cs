namespace ClipGrains.Inference.Imaging;

/// <summary>
/// Limits checked from the image header before any pixel memory is allocated, so a small file that
/// declares a huge canvas (a decompression bomb) is refused cheaply.
/// </summary>
/// <param name="MaxPixels">Largest width × height accepted (default 40 MP; Pillow warns at 89 MP).</param>
/// <param name="MaxSide">Largest width or height accepted, in pixels.</param>
public sealed record ImageLimits(long MaxPixels = 40_000_000, int MaxSide = 12_000)
{
    /// <summary>The defaults.</summary>
    public static ImageLimits Default { get; } = new();
}
