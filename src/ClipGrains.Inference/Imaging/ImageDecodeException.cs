namespace ClipGrains.Inference.Imaging;

/// <summary>
/// The bytes are not an image this service can read: unknown format, corrupt or truncated data, or a size
/// outside the limits. The message is safe to show to the user who sent the bytes.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageDecodeException(ImageDecodeError error, string message, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
    }

    /// <summary>The kind of failure.</summary>
    public ImageDecodeError Error { get; }
}
