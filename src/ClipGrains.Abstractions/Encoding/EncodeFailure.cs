namespace ClipGrains.Abstractions.Encoding;

/// <summary>
/// Why an encode request was not served. Failures travel as data rather than exceptions so that every
/// silo, whatever its version, hands the gateway something it can turn into the right HTTP status.
/// </summary>
/// <param name="Code">Machine-readable code: <c>invalid_image</c>, <c>image_too_large</c>, <c>server_overloaded</c>, <c>timeout</c>, <c>model_loading</c>, ….</param>
/// <param name="Message">A message safe to show the caller.</param>
/// <param name="Index">Index of the offending input within the request, when one input caused it.</param>
/// <param name="DecodeMilliseconds">Decoding time the request used before it failed (usage of refused requests).</param>
[GenerateSerializer, Immutable, Alias("clipgrains.encode-failure")]
public sealed record EncodeFailure(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message,
    [property: Id(2)] int? Index = null,
    [property: Id(3)] long DecodeMilliseconds = 0)
{
    /// <summary>The queue was full; the caller should retry later.</summary>
    public const string Overloaded = "server_overloaded";

    /// <summary>The request's deadline passed before it was served.</summary>
    public const string Timeout = "timeout";

    /// <summary>An input could not be decoded as an image.</summary>
    public const string InvalidImage = "invalid_image";

    /// <summary>An input is not in an allowed image format.</summary>
    public const string UnsupportedImageFormat = "unsupported_image_format";

    /// <summary>An input image exceeds the size limits.</summary>
    public const string ImageTooLarge = "image_too_large";

    /// <summary>The model was still loading when the request's wait for it ended; retry shortly.</summary>
    public const string ModelLoading = "model_loading";

    /// <summary>The silo has no room for the model: every loaded model is in use or too recently loaded to evict.</summary>
    public const string ModelCapacity = "model_capacity";

    /// <summary>The model could not be loaded (its files are missing or broken): an operator has to act.</summary>
    public const string ModelUnavailable = "model_unavailable";

    /// <summary>The silo does not know the model (its configuration lists other deployments).</summary>
    public const string ModelUnknown = "model_unknown";
}
