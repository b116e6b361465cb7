namespace ClipGrains.Abstractions.Tenancy;

/// <summary>What a charged request's work produced: an answer to charge, or a refusal caused by its own input.</summary>
public sealed class MeteredWork
{
    private MeteredWork(int status, Func<long, byte[]>? body, Charge? actual, byte[]? error, string? code, long decodeMilliseconds)
    {
        Status = status;
        Body = body;
        Actual = actual;
        Error = error;
        Code = code;
        DecodeMilliseconds = decodeMilliseconds;
    }

    /// <summary>The response status.</summary>
    public int Status { get; }

    /// <summary>The answer's body given the credits charged (which it reports); null for a refusal.</summary>
    public Func<long, byte[]>? Body { get; }

    /// <summary>What the work used; charged up to the estimate. Null for a refusal.</summary>
    public Charge? Actual { get; }

    /// <summary>The refusal's error body; null for an answer.</summary>
    public byte[]? Error { get; }

    /// <summary>The refusal's error code (metrics).</summary>
    public string? Code { get; }

    /// <summary>Decoding time a refusal used before its input was found invalid (usage).</summary>
    public long DecodeMilliseconds { get; }

    /// <summary>Whether this is a refusal.</summary>
    public bool IsRefused => Error is not null;

    /// <summary>An answer with <paramref name="status"/>, charged for <paramref name="actual"/>.</summary>
    public static MeteredWork Done(int status, Func<long, byte[]> body, Charge actual)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(actual);
        return new MeteredWork(status, body, actual, null, null, 0);
    }

    /// <summary>
    /// The request's own input was invalid in a way only the work could find (an undecodable image): nothing is charged,
    /// and <paramref name="error"/> is the request's final answer, which a retry with the same key gets too.
    /// </summary>
    public static MeteredWork Refused(int status, byte[] error, string code, long decodeMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new MeteredWork(status, null, null, error, code, Math.Max(0, decodeMilliseconds));
    }
}
