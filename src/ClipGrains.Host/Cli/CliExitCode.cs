namespace ClipGrains.Host.Cli;

/// <summary>Process exit codes, stable for scripts.</summary>
internal static class CliExitCode
{
    public const int Success = 0;

    /// <summary>The input was unusable (missing file, bad image, bad model folder, hub refusal).</summary>
    public const int BadInput = 1;

    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;

    /// <summary>The configuration is invalid or the environment refuses it (a setting out of range, a port in use); sysexits' EX_CONFIG.</summary>
    public const int Configuration = 78;

    /// <summary>A bug: something failed that no input should be able to cause (sysexits' EX_SOFTWARE).</summary>
    public const int InternalError = 70;
}
