namespace ClipGrains.Abstractions.Tenancy;

/// <summary>What to do with a request carrying an <c>Idempotency-Key</c>.</summary>
public enum IdempotencyOutcome
{
    /// <summary>First use (or the earlier attempt was abandoned or expired): run it.</summary>
    Proceed = 0,

    /// <summary>Already completed: send the stored response, charge nothing.</summary>
    Replay = 1,

    /// <summary>The first request with this key is still running (409).</summary>
    InFlight = 2,

    /// <summary>The key was used with a different request body (422).</summary>
    Mismatch = 3,
}
