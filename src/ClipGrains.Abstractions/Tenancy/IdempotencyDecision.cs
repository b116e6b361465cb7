namespace ClipGrains.Abstractions.Tenancy;

/// <summary>The idempotency grain's answer to <see cref="IIdempotencyGrain.Begin"/>.</summary>
/// <param name="Outcome">What to do.</param>
/// <param name="Response">The stored response when <paramref name="Outcome"/> is <see cref="IdempotencyOutcome.Replay"/>.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.idempotency-decision")]
public sealed record IdempotencyDecision(
    [property: Id(0)] IdempotencyOutcome Outcome,
    [property: Id(1)] StoredResponse? Response = null);
