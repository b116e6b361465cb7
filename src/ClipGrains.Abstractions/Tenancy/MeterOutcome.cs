namespace ClipGrains.Abstractions.Tenancy;

/// <summary>How a metered request ended.</summary>
public enum MeterVerdict
{
    /// <summary>Admitted and run: <see cref="MeterOutcome.Body"/> is its answer (or its refusal by its own input).</summary>
    Answered = 0,

    /// <summary>A retry of a completed request with the same Idempotency-Key: the stored answer, not charged again.</summary>
    Replayed = 1,

    /// <summary>Refused before any work: <see cref="MeterOutcome.Admission"/> says why (rate limit, credits, suspension).</summary>
    NotAdmitted = 2,

    /// <summary>A request with the same Idempotency-Key is still running.</summary>
    KeyInUse = 3,

    /// <summary>The Idempotency-Key was used with a different request.</summary>
    KeyReused = 4,
}

/// <summary>The meter's answer to a charged request.</summary>
/// <param name="Verdict">How it ended.</param>
/// <param name="Status">The response status (answered and replayed requests).</param>
/// <param name="Body">The response body, exactly as stored for replays; empty when there is none.</param>
/// <param name="Admission">The admission decision: its rate-limit state for the response headers, or the refusal.</param>
/// <param name="ContentType">The body's media type.</param>
public sealed record MeterOutcome(MeterVerdict Verdict, int Status, byte[] Body, AdmissionResult? Admission, string ContentType = "application/json");
