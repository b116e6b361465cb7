namespace ClipGrains.Abstractions.Storage;

/// <summary>
/// Files that hold secrets or the ledger (the SQLite database, the operator key's hash) are created readable by the
/// server's user only (0600) inside a data directory only that user can enter (0700), whatever the process umask.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and parents) if missing, and restricts it to its owner.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);

        // Never a shared sticky folder (/tmp as a data directory, or the folder of a database file put in it): locking
        // it to its owner would lock every other user out of it.
        if ((File.GetUnixFileMode(path) & UnixFileMode.StickyBit) == 0)
        {
            File.SetUnixFileMode(path, DirectoryMode);
        }
    }

    /// <summary>Creates <paramref name="path"/> empty with mode 0600 when missing, or restricts an existing one to 0600.</summary>
    public static void Touch(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // OpenOrCreate, not exists-then-CreateNew: silos of one process opening the same database at once (a test
        // cluster) must not race each other into "file already exists".
        using (new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = FileMode }))
        {
        }

        File.SetUnixFileMode(path, FileMode);
    }

    /// <summary>Writes <paramref name="text"/> to a file created with mode 0600.</summary>
    public static void WriteAllText(string path, string text)
    {
        Touch(path);
        File.WriteAllText(path, text);
    }
}
