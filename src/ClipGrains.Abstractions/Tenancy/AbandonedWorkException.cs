namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// Metered work that ran and then failed on the server's side (it timed out, the model was overloaded or went away):
/// the tenant got no answer, so nothing is charged, but the work is no secret — the meter records it in the usage log
/// as a refused request with the decoding time it used, and rethrows for the caller to answer with its 5xx.
/// </summary>
public sealed class AbandonedWorkException : Exception
{
    /// <summary>Work abandoned with no detail.</summary>
    public AbandonedWorkException()
        : this("abandoned", 0, null)
    {
    }

    /// <summary>Work abandoned for <paramref name="message"/>.</summary>
    public AbandonedWorkException(string message)
        : this(message, 0, null)
    {
    }

    /// <summary>Work abandoned for <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public AbandonedWorkException(string message, Exception innerException)
        : this(message, 0, innerException)
    {
    }

    /// <summary>Work abandoned with error code <paramref name="code"/> after <paramref name="decodeMilliseconds"/> of decoding; <paramref name="innerException"/> is the caller's error.</summary>
    public AbandonedWorkException(string code, long decodeMilliseconds, Exception? innerException)
        : base($"The work was abandoned: {code}.", innerException)
    {
        Code = code;
        DecodeMilliseconds = decodeMilliseconds;
    }

    /// <summary>The error code the caller answers with (metrics).</summary>
    public string Code { get; } = "abandoned";

    /// <summary>Decoding time the work used before it was abandoned (usage).</summary>
    public long DecodeMilliseconds { get; }
}
