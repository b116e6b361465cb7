namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// A tenant's money path on this silo, with no HTTP in it: the idempotency claim and replay, admission (from this silo's
/// credit lease when it covers the request, else one call to the tenant's ledger), the work, and its settlement at what
/// was computed or its refund. Outcomes come back as data; the gateway maps them to statuses and headers.
/// </summary>
public interface ITenantMeter
{
    /// <summary>
    /// Runs <paramref name="work"/> for <paramref name="request"/> when it is admitted. Work that throws is refunded in
    /// full and the exception rethrown (unless it handed its reservation over: then its new owner settles it); work
    /// refused by its own input (<see cref="MeteredWork.Refused"/>) is not charged but is recorded in the usage log.
    /// </summary>
    Task<MeterOutcome> RunAsync(MeteredRequest request, Func<MeterTicket, Task<MeteredWork>> work);

    /// <summary>
    /// Takes one request from a rate limit for work that costs nothing (a lookup with <paramref name="read"/>, a delete,
    /// a listing): the same refusals as <see cref="RunAsync"/> without a reservation.
    /// </summary>
    Task<AdmissionResult> TakeAsync(string tenant, bool read);

    /// <summary>
    /// A refusal this silo saw for <paramref name="tenant"/> that still holds (a rate limit whose retry time has not come,
    /// a suspension, an empty balance, for at most a second): checked before a request's body is read, so a tenant that
    /// cannot be admitted costs no parsing. Null when the tenant may be admitted as far as this silo knows.
    /// </summary>
    AdmissionResult? RecentRefusal(string tenant);

    /// <summary>
    /// The refusal that holds for every request of <paramref name="tenant"/>, decided before a charged request's body is
    /// read: <see cref="RecentRefusal"/> when this silo remembers one, else nothing for a tenant admitted here within the
    /// last second or leased here, else one call to its ledger shared by the concurrent requests of a burst. Null when the
    /// tenant may be admitted.
    /// </summary>
    ValueTask<AdmissionResult?> RefusalBeforeBodyAsync(string tenant);
}
