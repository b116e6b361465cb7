using System.Diagnostics;

namespace ClipGrains.Host.Tests.Cli;

/// <summary><c>clipgrains serve --help</c> prints usage and starts nothing: no server, no operator key, no download.</summary>
[Trait("Category", "api")]
public sealed class ServeHelpTests
{
    [Theory]
    [InlineData("serve", "--help")]
    [InlineData("serve", "-h")]
    [InlineData("--help")]
    public async Task Help_prints_usage_and_writes_nothing(params string[] args)
    {
        var home = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "help-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "clipgrains.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["HOME"] = home;
        info.Environment["XDG_DATA_HOME"] = Path.Combine(home, "data");
        info.Environment["HF_HOME"] = Path.Combine(home, "hf");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(string.Empty, await error);
        if (args[0] == "serve")
        {
            Assert.StartsWith("Usage: clipgrains serve", await output, StringComparison.Ordinal);
        }

        // Nothing of ours: no data directory, no operator key, no model cache (the dotnet host may keep its own ~/.dotnet).
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(home), p => Path.GetFileName(p) != ".dotnet");
    }
}
