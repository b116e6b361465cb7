namespace ClipGrains.Abstractions.Tenancy;

/// <summary>What a request asks of its tenant before any work: rate-limit units and a credit reservation.</summary>
/// <param name="ReservationId">Unique per request; settling it twice has no further effect.</param>
/// <param name="Images">Images the request carries (the images-per-minute limit).</param>
/// <param name="Credits">Credits to reserve: the request's full price.</param>
/// <param name="Hold">
/// How long the reservation holds before it is refunded automatically; null for the ledger's default (longer than any
/// request). Label-set builds, which outlive their request, hold longer.
/// </param>
[GenerateSerializer, Immutable, Alias("clipgrains.admission")]
public sealed record Admission(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] int Images,
    [property: Id(2)] long Credits,
    [property: Id(3)] TimeSpan? Hold = null);
