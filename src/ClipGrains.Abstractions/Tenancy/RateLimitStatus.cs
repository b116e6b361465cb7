namespace ClipGrains.Abstractions.Tenancy;

/// <summary>One limit's state after a decision, for the <c>x-ratelimit-*</c> headers.</summary>
/// <param name="Limit">Units per minute.</param>
/// <param name="Remaining">Units that could be taken right now.</param>
/// <param name="Reset">Until the allowance is full again.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.rate-limit-status")]
public sealed record RateLimitStatus(
    [property: Id(0)] int Limit,
    [property: Id(1)] int Remaining,
    [property: Id(2)] TimeSpan Reset);
