namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// One item of an <c>input</c> array: a text, an image's bytes, or (before <see cref="ImageUrlResolver"/> runs) an
/// image URL to fetch; with where it came from for error messages.
/// </summary>
internal sealed record ApiInput(string? Text, byte[]? Image, string Param, string? Url = null)
{
    public bool IsImage => Image is not null || Url is not null;
}
