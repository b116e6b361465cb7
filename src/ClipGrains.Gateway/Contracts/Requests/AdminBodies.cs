namespace ClipGrains.Gateway.Contracts.Requests;

// Request bodies as the OpenAPI document shows them. The endpoints read bodies with the bounded JSON reader
// (Inputs/JsonBody), not by binding these types; the OpenAPI tests send each documented field.

/// <summary>The body of <c>POST /admin/v1/tenants</c>.</summary>
/// <param name="Name">1-200 characters.</param>
/// <param name="Credits">Initial credits (default 0).</param>
/// <param name="Limits">Rate limits; the server's defaults when absent.</param>
internal sealed record CreateTenantBody(string Name, long? Credits = null, ClipGrains.Gateway.Contracts.TenantLimitsObject? Limits = null);

/// <summary>The body of <c>PATCH /admin/v1/tenants/{id}</c>: what is given changes.</summary>
/// <param name="Limits">New rate limits.</param>
/// <param name="Suspended">Suspends or resumes the tenant's keys.</param>
internal sealed record PatchTenantBody(ClipGrains.Gateway.Contracts.TenantLimitsObject? Limits = null, bool? Suspended = null);

/// <summary>The body of <c>POST /admin/v1/tenants/{id}/keys</c>.</summary>
/// <param name="Name">A name for the key (default <c>default</c>).</param>
internal sealed record CreateKeyBody(string? Name = null);

/// <summary>The body of <c>POST /admin/v1/tenants/{id}/credits</c> (with an <c>Idempotency-Key</c> header).</summary>
/// <param name="Amount">Credits to add, positive.</param>
/// <param name="Reason">Why, for the ledger.</param>
internal sealed record TopUpBody(long Amount, string? Reason = null);
