namespace ClipGrains.Host.Server;

/// <summary>A setting the server cannot start with; the message names the key and what to change.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);
