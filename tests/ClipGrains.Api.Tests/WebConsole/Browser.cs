using Microsoft.Playwright;

namespace ClipGrains.Api.Tests.WebConsole;

/// <summary>
/// Headless Debian Chromium driven by Playwright for .NET (never a downloaded browser). The browser comes from
/// <c>CLIPGRAINS_CHROMIUM</c> or <c>/usr/bin/chromium</c>; without it the browser tests are skipped with the
/// reason, unless <c>CLIPGRAINS_REQUIRE_BROWSER=1</c> (set by .ci/run, which installs it) makes that a failure.
/// </summary>
public static class Browser
{
    public const string PathVariable = "CLIPGRAINS_CHROMIUM";
    public const string RequireVariable = "CLIPGRAINS_REQUIRE_BROWSER";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            var reason = $"no Chromium at {executable} (install Debian's chromium package or set {PathVariable})";
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                throw new InvalidOperationException(reason + $"; {RequireVariable}=1 makes this a failure.");
            }

            Skip.If(true, reason);
        }

        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // The machine has no network beyond loopback: keep Chromium from trying to reach Google's services.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    /// <summary>Where the tests leave screenshots for review: <c>CLIPGRAINS_SCREENSHOTS</c>, else <c>artifacts/screenshots</c> in the repository.</summary>
    public static string ScreenshotFolder()
    {
        var folder = Environment.GetEnvironmentVariable("CLIPGRAINS_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            folder = Path.Combine(ClipGrains.Inference.Tests.Support.RepositoryRoot.Find(), "artifacts", "screenshots");
        }

        Directory.CreateDirectory(folder);
        return folder;
    }
}
