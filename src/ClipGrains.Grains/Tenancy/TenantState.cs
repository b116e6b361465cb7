using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// Everything about a tenant's money in one persisted object, so one write covers balance, reservations,
/// settled ids, top-up keys and usage atomically. Rate-limiter state is deliberately not here: losing it in
/// a crash fails open for at most one minute's allowance, while writing it per request would double the cost.
/// </summary>
[GenerateSerializer, Alias("clipgrains.tenant-state")]
internal sealed class TenantState
{
    [Id(0)] public string? Name { get; set; }

    [Id(1)] public TenantLimits Limits { get; set; } = TenantLimits.Default;

    [Id(2)] public bool Suspended { get; set; }

    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Credits available; never negative (reservations are taken out of it).</summary>
    [Id(4)] public long Balance { get; set; }

    [Id(5)] public Dictionary<string, Reservation> Reservations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Reservation ids settled within the last <see cref="TenancyOptions.ReservationTimeout"/>, with the time they were
    /// settled, so a repeated settle or admit is a no-op. Bounded by the request rate times that window.
    /// </summary>
    [Id(6)] public Dictionary<string, DateTimeOffset> Settled { get; set; } = new(StringComparer.Ordinal);

    [Id(7)] public Dictionary<string, TopUpRecord> TopUps { get; set; } = new(StringComparer.Ordinal);

    [Id(8)] public SortedDictionary<string, UsageDay> Usage { get; set; } = new(StringComparer.Ordinal);

    [Id(9)] public List<string> KeyIds { get; set; } = [];

    /// <summary>Audit totals: initial + toppedUp − committed = balance + reserved, always.</summary>
    [Id(10)] public long InitialCredits { get; set; }

    [Id(11)] public long ToppedUp { get; set; }

    [Id(12)] public long Committed { get; set; }

    public bool Exists => Name is not null;

    public long ReservedTotal => Reservations.Values.Sum(r => r.Credits);
}

/// <summary>Credits held for a request in flight until it is settled or expires.</summary>
[GenerateSerializer, Alias("clipgrains.reservation")]
internal sealed record Reservation([property: Id(0)] long Credits, [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>A top-up applied under an idempotency key.</summary>
[GenerateSerializer, Alias("clipgrains.top-up-record")]
internal sealed record TopUpRecord([property: Id(0)] long Amount, [property: Id(1)] string Reason, [property: Id(2)] DateTimeOffset At);
