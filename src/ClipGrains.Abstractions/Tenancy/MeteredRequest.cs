namespace ClipGrains.Abstractions.Tenancy;

/// <summary>A charged request as the meter sees it.</summary>
/// <param name="Tenant">The tenant charged.</param>
/// <param name="KeyId">The API key that made it (usage by key).</param>
/// <param name="Route">The API operation (usage by route).</param>
/// <param name="Estimate">The price to reserve: the most the request may be charged.</param>
public sealed record MeteredRequest(string Tenant, string KeyId, string Route, Charge Estimate)
{
    /// <summary>The client's <c>Idempotency-Key</c> (already checked for form); null when it sent none.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Method and path, e.g. <c>POST /v1/classifications</c>: part of the idempotency fingerprint.</summary>
    public string Operation { get; init; } = string.Empty;

    /// <summary>
    /// The request's meaning as text, for the idempotency fingerprint; evaluated only with a key (for classifications it
    /// hashes every image, which a request without a key should not pay for).
    /// </summary>
    public Func<string>? Canonical { get; init; }

    /// <summary>The collection the request works on (usage per collection); empty for other routes.</summary>
    public string Collection { get; init; } = string.Empty;

    /// <summary>How long the reservation holds when the work hands it over (label-set builds); null otherwise.</summary>
    public TimeSpan? Hold { get; init; }
}
