namespace ClipGrains.Inference.Model;

/// <summary>
/// A model bundle could not be used: a file is missing, malformed, or does not have the shape CLIP needs.
/// The message names the file and what was expected, so a user can fix the folder without reading code.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public ModelLoadException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner)
    {
        File = file;
    }

    /// <summary>The file (path as given by the bundle) that caused the failure.</summary>
    public string File { get; }
}
