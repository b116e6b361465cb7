using ClipGrains.Inference.Imaging;

namespace ClipGrains.Inference.Tests.Support;

/// <summary>
/// The system's TurboJPEG library for tests that compare it with Skia: skipped where it is not installed, a failure
/// with <c>CLIPGRAINS_REQUIRE_TURBOJPEG=1</c> (set by .ci/run, which installs Debian's libturbojpeg0).
/// </summary>
internal static class SystemTurboJpeg
{
    public const string RequireVariable = "CLIPGRAINS_REQUIRE_TURBOJPEG";

    public static TurboJpeg Require()
    {
        if (TurboJpeg.System is { } turbo)
        {
            return turbo;
        }

        const string reason = "libturbojpeg (Debian: libturbojpeg0) is not installed";
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            throw new InvalidOperationException(reason + $"; {RequireVariable}=1 makes this a failure.");
        }

        Skip.If(true, reason);
        throw new InvalidOperationException(reason);
    }
}
