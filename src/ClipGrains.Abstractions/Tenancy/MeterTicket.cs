namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// A charged request's reservation as its work sees it. Work that hands the reservation to a grain that settles it
/// later (a label-set build) marks it handed over the moment the grain accepted it; from then on the meter neither
/// commits nor refunds it, whatever happens to the request.
/// </summary>
/// <param name="id">The reservation id in the tenant's ledger; null when metering is off or the request was leased.</param>
public sealed class MeterTicket(string? id)
{
    /// <summary>The reservation id in the tenant's ledger; null when metering is off or the request was admitted from a lease.</summary>
    public string? Id { get; } = id;

    /// <summary>Whether the reservation now belongs to someone else, who settles it.</summary>
    public bool HandedOver { get; private set; }

    /// <summary>Marks the reservation as taken over by the grain that will settle it.</summary>
    public void HandOver() => HandedOver = true;
}
