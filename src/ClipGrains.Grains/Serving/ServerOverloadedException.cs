namespace ClipGrains.Grains.Serving;

/// <summary>A batching queue is full; the request was refused without doing any work.</summary>
public sealed class ServerOverloadedException(string message) : Exception(message);
