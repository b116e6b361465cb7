using ClipGrains.Abstractions.Storage;

namespace ClipGrains.Abstractions.Tests.Storage;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateFilesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "private-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_data_directory_is_locked_to_its_owner_but_a_shared_sticky_folder_is_left_as_it_is()
    {
        var data = Path.Combine(_root, "data");
        PrivateFiles.CreateDirectory(data);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));

        // Like /tmp: a database file put straight in it must not make the folder private to this user.
        var shared = Path.Combine(_root, "shared");
        Directory.CreateDirectory(shared);
        const UnixFileMode everyone = (UnixFileMode)0x3FF | UnixFileMode.StickyBit;
        File.SetUnixFileMode(shared, everyone);
        PrivateFiles.CreateDirectory(shared);
        Assert.Equal(everyone, File.GetUnixFileMode(shared));
    }

    [Fact]
    public void Processes_or_silos_touching_one_file_at_once_all_succeed_and_leave_it_private()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "shared.db");
        Parallel.For(0, 16, _ => PrivateFiles.Touch(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
