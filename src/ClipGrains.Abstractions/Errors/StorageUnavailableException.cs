namespace ClipGrains.Abstractions.Errors;

/// <summary>
/// The database could not be reached or refused work for now (an outage, a failover, too many connections). Thrown by
/// grain storage in place of the driver's exception, which Orleans cannot carry back to the caller across silos; the
/// API answers it with 503 and Retry-After (<see cref="StorageFailures"/>). The message names the driver's error
/// class and state, never a connection string.
/// </summary>
[GenerateSerializer, Alias("clipgrains.storage-unavailable")]
public sealed class StorageUnavailableException : Exception
{
    /// <summary>An outage with no detail.</summary>
    public StorageUnavailableException()
    {
    }

    /// <summary>An outage described by <paramref name="message"/>.</summary>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>An outage described by <paramref name="message"/>, caused by <paramref name="innerException"/> (in-process only).</summary>
    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
