namespace ClipGrains.Grains.Tenancy.Leases;

/// <summary>A request admitted from a lease: the credits and tokens it took, returned or spent when it settles.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="LeaseId">The lease it was admitted under.</param>
/// <param name="Credits">Credits taken from the lease for it (its estimate).</param>
internal sealed record LeaseTicket(string Tenant, long LeaseId, long Credits);
