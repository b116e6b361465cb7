namespace ClipGrains.Inference.Imaging;

/// <summary>Why bytes could not be used as an image; the API maps each to its own status and error code.</summary>
public enum ImageDecodeError
{
    /// <summary>Empty, corrupt or truncated data, or an impossible declared size.</summary>
    Invalid = 0,

    /// <summary>A format outside the allow-list (or not an image at all).</summary>
    UnsupportedFormat = 1,

    /// <summary>The declared size exceeds the configured limits.</summary>
    TooLarge = 2,
}
