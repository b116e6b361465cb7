namespace ClipGrains.Host.Cli;

/// <summary>Reads an image file named on the command line, with a usable error when it is not there.</summary>
internal static class ImageFile
{
    public static async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: image file not found.", path);
        }

        return await File.ReadAllBytesAsync(path, cancellationToken);
    }
}
