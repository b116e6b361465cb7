using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>Persisted claim of one idempotency key.</summary>
[GenerateSerializer, Alias("clipgrains.idempotency-state")]
internal sealed class IdempotencyState
{
    [Id(0)] public string? Fingerprint { get; set; }

    [Id(1)] public DateTimeOffset ClaimedAt { get; set; }

    [Id(2)] public StoredResponse? Response { get; set; }

    [Id(3)] public DateTimeOffset? CompletedAt { get; set; }
}
