namespace ClipGrains.Host.Cli;

/// <summary>A command-line mistake the parser cannot express (e.g. two mutually exclusive options).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
