namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// A silo asking its tenant's ledger for an allowance (or renewing, or returning one), and reporting what it spent.
/// </summary>
/// <param name="Silo">The silo asking; a tenant holds at most one lease per silo.</param>
/// <param name="LeaseId">The lease the silo holds (0: none).</param>
/// <param name="Spent">Credits charged under that lease since the silo's last report.</param>
/// <param name="Credits">Credits wanted (about two seconds of this silo's demand).</param>
/// <param name="Requests">Request tokens wanted.</param>
/// <param name="Images">Image tokens wanted.</param>
/// <param name="Release">Return everything unspent and end the lease (the silo is idle or stopping).</param>
[GenerateSerializer, Immutable, Alias("clipgrains.lease-request")]
public sealed record LeaseRequest(
    [property: Id(0)] string Silo,
    [property: Id(1)] long LeaseId,
    [property: Id(2)] long Spent,
    [property: Id(3)] long Credits,
    [property: Id(4)] int Requests,
    [property: Id(5)] int Images,
    [property: Id(6)] bool Release = false);
