namespace ClipGrains.Abstractions.Tenancy;

/// <summary>The usage log summed per UTC day, API key and model: what every usage report is built from.</summary>
/// <param name="Date">The day, <c>yyyy-MM-dd</c>.</param>
/// <param name="KeyId">The API key (empty for work settled by the server itself).</param>
/// <param name="Model">The deployment.</param>
/// <param name="Requests">Charged requests (refused ones not included).</param>
/// <param name="Images">Images processed by charged requests.</param>
/// <param name="Texts">Prompts encoded by charged requests.</param>
/// <param name="Credits">Credits charged.</param>
/// <param name="Refused">Requests refused by their own input after admission.</param>
/// <param name="RefusedDecodeMilliseconds">Decoding time those used.</param>
/// <param name="StoredResponses">Responses kept for Idempotency-Key replays.</param>
/// <param name="StoredBytes">Bytes of those responses.</param>
public sealed record UsageGroup(
    string Date, string KeyId, string Model, long Requests, long Images, long Texts, long Credits,
    long Refused, long RefusedDecodeMilliseconds, long StoredResponses, long StoredBytes);
