namespace ClipGrains.Abstractions.Tenancy;

/// <summary>One UTC day of a tenant's committed usage.</summary>
/// <param name="Date">The day (UTC), <c>yyyy-MM-dd</c>.</param>
/// <param name="Requests">Requests that committed a charge (including zero-cost ones).</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
/// <param name="Refused">Admitted requests refused by their own input (an undecodable image): not charged, counted here.</param>
/// <param name="RefusedDecodeMilliseconds">Decoding time those refused requests used.</param>
/// <param name="IdempotencyRecords">Responses stored for Idempotency-Key replays.</param>
/// <param name="IdempotencyBytes">Bytes of those stored responses.</param>
/// <param name="Models">The committed requests, images, prompts and credits per model, by model id; null before any was recorded.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.usage-day")]
public sealed record UsageDay(
    [property: Id(0)] string Date,
    [property: Id(1)] long Requests,
    [property: Id(2)] long Images,
    [property: Id(3)] long Texts,
    [property: Id(4)] long Credits,
    [property: Id(5)] long Refused = 0,
    [property: Id(6)] long RefusedDecodeMilliseconds = 0,
    [property: Id(7)] long IdempotencyRecords = 0,
    [property: Id(8)] long IdempotencyBytes = 0,
    [property: Id(9)] IReadOnlyList<ModelUsage>? Models = null);
