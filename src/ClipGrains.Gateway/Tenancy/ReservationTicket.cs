namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// A charged request's reservation as its work sees it. Work that hands the reservation to a grain that settles it
/// later (a label-set build) marks it handed over the moment the grain accepted it; from then on the metering neither
/// commits nor refunds it, whatever happens to the request.
/// </summary>
internal sealed class ReservationTicket(string? id)
{
    /// <summary>The reservation id in the tenant's ledger; null when metering is off.</summary>
    public string? Id { get; } = id;

    /// <summary>Whether the reservation now belongs to someone else, who settles it.</summary>
    public bool HandedOver { get; private set; }

    public void HandOver() => HandedOver = true;
}
