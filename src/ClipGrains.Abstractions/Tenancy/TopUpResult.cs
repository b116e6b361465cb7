namespace ClipGrains.Abstractions.Tenancy;

/// <summary>Result of a credit top-up.</summary>
/// <param name="Applied">False when the idempotency key was already used with the same amount (a replay).</param>
/// <param name="Conflict">True when the key was used before with a different amount or reason (422).</param>
/// <param name="Balance">Balance after the call.</param>
/// <param name="Overflow">True when the top-up was refused because the tenant's credits would exceed a 64-bit count.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.top-up-result")]
public sealed record TopUpResult(
    [property: Id(0)] bool Applied,
    [property: Id(1)] bool Conflict,
    [property: Id(2)] long Balance,
    [property: Id(3)] bool Overflow = false);
