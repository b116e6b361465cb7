namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// One settled request in the append-only usage log: what was computed for whom and what it cost. Written once per
/// request id (a repeated append is ignored), in batches; invoices and the per-day totals are sums over these records.
/// </summary>
/// <param name="Id">The request's usage id (its reservation id): unique, the log's deduplication key.</param>
/// <param name="Tenant">The tenant charged.</param>
/// <param name="KeyId">The API key that made the request; empty for work a grain settles on its own (a label-set build's key is kept).</param>
/// <param name="Model">The deployment that did the work.</param>
/// <param name="Route">The API operation, e.g. <c>embeddings</c>, <c>classifications</c>, <c>label_sets</c>.</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged (0 for a refused request).</param>
/// <param name="At">When it was settled (UTC).</param>
/// <param name="Lease">The credit lease it was admitted under; 0 for the exact path.</param>
/// <param name="Refused">Admitted, then refused by its own input (an undecodable image): not charged.</param>
/// <param name="DecodeMilliseconds">Decoding time a refused request used.</param>
/// <param name="StoredBytes">Bytes of the response kept for Idempotency-Key replays.</param>
/// <param name="Collection">The collection the request stored into, searched or tagged; empty otherwise.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.usage-record")]
public sealed record UsageRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Tenant,
    [property: Id(2)] string KeyId,
    [property: Id(3)] string Model,
    [property: Id(4)] string Route,
    [property: Id(5)] int Images,
    [property: Id(6)] int Texts,
    [property: Id(7)] long Credits,
    [property: Id(8)] DateTimeOffset At,
    [property: Id(9)] long Lease = 0,
    [property: Id(10)] bool Refused = false,
    [property: Id(11)] long DecodeMilliseconds = 0,
    [property: Id(12)] long StoredBytes = 0,
    [property: Id(13)] string Collection = "");
