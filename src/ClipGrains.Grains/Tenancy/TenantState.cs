using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// Everything about a tenant's money in one persisted object, so one write covers balance, reservations and top-up
/// keys atomically. Nothing here grows with the request rate: per-request history (usage, deduplication by request id)
/// is the usage log's. Rate-limiter state is deliberately not here: losing it in a crash fails open for at most one
/// minute's allowance, while writing it per request would double the cost.
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

    /// <summary>Earlier versions' settled-id set: read from old state, never written again (null from the next write).</summary>
    [Id(6)] public Dictionary<string, DateTimeOffset>? LegacySettled { get; set; }

    [Id(7)] public Dictionary<string, TopUpRecord> TopUps { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Earlier versions' per-day usage: read from old state, never written again (the usage log has it now).</summary>
    [Id(8)] public SortedDictionary<string, LegacyUsageDay>? LegacyUsage { get; set; }

    [Id(9)] public List<string> KeyIds { get; set; } = [];

    /// <summary>Audit totals: initial + toppedUp − committed = balance + reserved, always.</summary>
    [Id(10)] public long InitialCredits { get; set; }

    [Id(11)] public long ToppedUp { get; set; }

    [Id(12)] public long Committed { get; set; }

    /// <summary>Each silo's lease, by silo. Their outstanding credits are out of the balance and not yet committed.</summary>
    [Id(14)] public Dictionary<string, Lease> Leases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last lease id given out (ids are never reused, so a stale report cannot touch a newer lease).</summary>
    [Id(15)] public long LastLeaseId { get; set; }

    /// <summary>
    /// Usage records of settlements written with this state but not yet known to be in the usage log (normally the last
    /// few; emptied as the log confirms them). The next activation writes them to the log before serving.
    /// </summary>
    [Id(13)] public List<UsageRecord> Outbox { get; set; } = [];

    public bool Exists => Name is not null;

    public long ReservedTotal => Reservations.Values.Sum(r => r.Credits);

    public long LeasedTotal => Leases.Values.Sum(l => l.Outstanding);
}

/// <summary>Credits held for a request in flight until it is settled or expires.</summary>
[GenerateSerializer, Alias("clipgrains.reservation")]
internal sealed record Reservation([property: Id(0)] long Credits, [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>A silo's allowance: credits granted and not yet reported spent, and when it lapses.</summary>
/// <param name="Id">The lease id.</param>
/// <param name="Outstanding">Credits out of the balance under this lease, not yet reported spent.</param>
/// <param name="Reported">Credits the silo reported spent under it (to reconcile with the usage log at reclaim).</param>
/// <param name="ExpiresAt">When it lapses unless renewed.</param>
[GenerateSerializer, Alias("clipgrains.lease")]
internal sealed record Lease([property: Id(0)] long Id, [property: Id(1)] long Outstanding, [property: Id(2)] long Reported, [property: Id(3)] DateTimeOffset ExpiresAt);

/// <summary>A top-up applied under an idempotency key.</summary>
[GenerateSerializer, Alias("clipgrains.top-up-record")]
internal sealed record TopUpRecord([property: Id(0)] long Amount, [property: Id(1)] string Reason, [property: Id(2)] DateTimeOffset At);

/// <summary>One day of usage as earlier versions kept it in the tenant's state; only so that old state still reads.</summary>
[GenerateSerializer, Immutable, Alias("clipgrains.usage-day")]
internal sealed record LegacyUsageDay(
    [property: Id(0)] string Date,
    [property: Id(1)] long Requests,
    [property: Id(2)] long Images,
    [property: Id(3)] long Texts,
    [property: Id(4)] long Credits,
    [property: Id(5)] long Refused = 0,
    [property: Id(6)] long RefusedDecodeMilliseconds = 0,
    [property: Id(7)] long IdempotencyRecords = 0,
    [property: Id(8)] long IdempotencyBytes = 0);
