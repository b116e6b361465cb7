namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// One item of an <c>input</c> array: a text, an image's bytes, or (before <see cref="ImageUrlResolver"/> runs) an
/// image URL to fetch; with where it came from for error messages.
/// </summary>
internal sealed record ApiInput(string? Text, byte[]? Image, string Param, string? Url = null)
{
    // Kept with the array it was computed from: a copy made `with` other bytes (a fetched URL) never reuses it.
    private (byte[]? Of, string? Hash) _imageHash;

    public bool IsImage => Image is not null || Url is not null;

    /// <summary>
    /// Hex SHA-256 of the image's bytes, computed once: the embedding cache's key and the Idempotency-Key fingerprint both
    /// use it, so an image is hashed once per request.
    /// </summary>
    public string ImageHash
    {
        get
        {
            var image = Image ?? throw new InvalidOperationException("Only an input holding image bytes has a hash.");
            if (!ReferenceEquals(_imageHash.Of, image))
            {
                _imageHash = (image, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(image)));
            }

            return _imageHash.Hash!;
        }
    }
}
