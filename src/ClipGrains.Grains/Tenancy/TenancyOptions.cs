namespace ClipGrains.Grains.Tenancy;

/// <summary>Ledger timing. Bound from <c>ClipGrains:Tenancy</c>.</summary>
public sealed class TenancyOptions
{
    /// <summary>How long a reservation holds credits before it is refunded automatically (longer than any request).</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long idempotency records (API requests and top-ups) and settled ids are kept.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);
}
