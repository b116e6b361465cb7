namespace ClipGrains.Gateway.Contracts;

/// <summary>A tenant as the API shows it (admin API and <c>/v1/usage</c>).</summary>
/// <param name="Id">Its id (<c>tn_…</c>).</param>
/// <param name="Name">Its name.</param>
/// <param name="Balance">Credits available.</param>
/// <param name="Reserved">Credits held by requests and label-set builds in progress.</param>
/// <param name="Leased">Credits held by silos' leases (a busy tenant's requests are admitted from these without a ledger call).</param>
/// <param name="Suspended">Whether its keys are refused.</param>
/// <param name="Limits">Its rate limits.</param>
/// <param name="CreatedAt">Creation, Unix seconds.</param>
internal sealed record TenantObject(string Id, string Name, long Balance, long Reserved, long Leased, bool Suspended, TenantLimitsObject Limits, long CreatedAt)
{
    /// <summary>Always <c>tenant</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "tenant";
}

/// <summary>A tenant's rate limits, in the admin API's bodies too.</summary>
/// <param name="RequestsPerMinute">Requests per minute.</param>
/// <param name="ImagesPerMinute">Images per minute.</param>
internal sealed record TenantLimitsObject(int RequestsPerMinute, int ImagesPerMinute);

/// <summary>A tenant's account: the tenant, its rate limits now and its usage in a time range, per UTC day, per model and per key.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="RateLimits">Each limit with what remains now.</param>
/// <param name="From">Start of the range (inclusive), ISO 8601 UTC.</param>
/// <param name="To">End of the range (exclusive), ISO 8601 UTC.</param>
/// <param name="Days">Usage per day with any usage, oldest first.</param>
/// <param name="Totals">Usage summed over the range.</param>
/// <param name="Collections">Charged usage per collection over the range, by name.</param>
internal sealed record UsageReport(
    TenantObject Tenant, RateLimitsObject RateLimits, string From, string To, IReadOnlyList<UsageDayObject> Days, UsageTotals Totals, IReadOnlyList<CollectionUsageObject> Collections)
{
    /// <summary>Always <c>usage</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "usage";
}

/// <summary>Both rate limits now.</summary>
/// <param name="Requests">Requests per minute.</param>
/// <param name="Images">Images per minute.</param>
internal sealed record RateLimitsObject(RateLimitObject Requests, RateLimitObject Images);

/// <summary>One rate limit now.</summary>
/// <param name="Limit">Units per minute.</param>
/// <param name="Remaining">Units that would be admitted now.</param>
/// <param name="ResetSeconds">Seconds until the allowance is full again.</param>
internal sealed record RateLimitObject(int Limit, int Remaining, double ResetSeconds);

/// <summary>One UTC day of usage.</summary>
/// <param name="Date">The day, <c>yyyy-MM-dd</c>.</param>
/// <param name="Requests">Requests charged (zero-cost ones included).</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
/// <param name="Refused">Admitted requests refused by their own input (not charged).</param>
/// <param name="RefusedDecodeMs">Decoding time those used, milliseconds.</param>
/// <param name="IdempotencyRecords">Responses stored for Idempotency-Key replays.</param>
/// <param name="IdempotencyBytes">Bytes of those responses.</param>
/// <param name="Models">The day's charged usage per model, by model id.</param>
/// <param name="Keys">The day's charged usage per API key, by key id.</param>
internal sealed record UsageDayObject(
    string Date, long Requests, long Images, long Texts, long Credits, long Refused, long RefusedDecodeMs, long IdempotencyRecords, long IdempotencyBytes,
    IReadOnlyList<ModelUsageObject> Models, IReadOnlyList<KeyUsageObject> Keys);

/// <summary>One model's share of the charged usage.</summary>
/// <param name="Model">The model id.</param>
/// <param name="Requests">Requests charged on it.</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
internal sealed record ModelUsageObject(string Model, long Requests, long Images, long Texts, long Credits);

/// <summary>One API key's share of the charged usage.</summary>
/// <param name="KeyId">The key's id (empty for work without a key).</param>
/// <param name="Requests">Requests charged to it.</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
internal sealed record KeyUsageObject(string KeyId, long Requests, long Images, long Texts, long Credits);

/// <summary>Usage summed over the range.</summary>
/// <param name="Requests">Requests charged.</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
/// <param name="Refused">Admitted requests refused by their own input.</param>
/// <param name="RefusedDecodeMs">Decoding time those used, milliseconds.</param>
/// <param name="IdempotencyRecords">Responses stored for replays.</param>
/// <param name="IdempotencyBytes">Bytes of those responses.</param>
/// <param name="Models">The charged usage per model over the range, by model id.</param>
/// <param name="Keys">The charged usage per API key over the range, by key id.</param>
internal sealed record UsageTotals(
    long Requests, long Images, long Texts, long Credits, long Refused, long RefusedDecodeMs, long IdempotencyRecords, long IdempotencyBytes,
    IReadOnlyList<ModelUsageObject> Models, IReadOnlyList<KeyUsageObject> Keys);

/// <summary>Charged usage of one collection over the range (stores, searches, tagging).</summary>
/// <param name="Collection">The collection's name.</param>
/// <param name="Requests">Charged requests.</param>
/// <param name="Images">Images encoded.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
internal sealed record CollectionUsageObject(string Collection, long Requests, long Images, long Texts, long Credits);
