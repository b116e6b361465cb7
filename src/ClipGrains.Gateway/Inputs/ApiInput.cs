namespace ClipGrains.Gateway.Inputs;

/// <summary>One item of an <c>input</c> array: a text or an image's bytes, with where it came from for error messages.</summary>
internal sealed record ApiInput(string? Text, byte[]? Image, string Param)
{
    public bool IsImage => Image is not null;
}
