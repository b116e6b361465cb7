namespace ClipGrains.Inference.Tests.Support;

/// <summary>Finds the repository root (the folder holding ClipGrains.sln) from the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClipGrains.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ClipGrains.sln not found above {AppContext.BaseDirectory}.");
    }
}
