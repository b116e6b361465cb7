namespace ClipGrains.Abstractions.Tenancy;

/// <summary>The decision on an <see cref="Admission"/>.</summary>
/// <param name="Outcome">What was decided.</param>
/// <param name="Requests">Requests-per-minute state.</param>
/// <param name="Images">Images-per-minute state.</param>
/// <param name="RetryAfter">When a refused request could succeed (rate limits only).</param>
/// <param name="Balance">Credits left after the reservation.</param>
/// <param name="Message">Why, when refused.</param>
/// <param name="RefusedUntil">
/// When refused: no request of this tenant can be admitted before this instant unless its limits, balance or status
/// change (a spent request limit's retry time; <see cref="DateTimeOffset.MaxValue"/> for a suspension or an empty
/// balance). Null when a different request might pass now (a smaller one, or one with fewer images).
/// </param>
[GenerateSerializer, Immutable, Alias("clipgrains.admission-result")]
public sealed record AdmissionResult(
    [property: Id(0)] AdmissionOutcome Outcome,
    [property: Id(1)] RateLimitStatus? Requests,
    [property: Id(2)] RateLimitStatus? Images,
    [property: Id(3)] TimeSpan? RetryAfter,
    [property: Id(4)] long Balance,
    [property: Id(5)] string? Message = null,
    [property: Id(6)] DateTimeOffset? RefusedUntil = null);
