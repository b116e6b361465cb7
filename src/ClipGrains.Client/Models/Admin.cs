namespace ClipGrains.Client.Models;

/// <summary>A tenant to create.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Credits">Initial credits.</param>
/// <param name="Limits">Rate limits; null for the server's defaults.</param>
public sealed record CreateTenantRequest(string Name, long Credits, TenantLimits? Limits = null);

/// <summary>A tenant's rate limits.</summary>
/// <param name="RequestsPerMinute">Requests per minute.</param>
/// <param name="ImagesPerMinute">Images per minute.</param>
public sealed record TenantLimits(int RequestsPerMinute, int ImagesPerMinute);

/// <summary>A key just created: <paramref name="Key"/> is shown in this response only.</summary>
/// <param name="Id">The key's public id.</param>
/// <param name="Key">The secret key (<c>cg_…</c>).</param>
/// <param name="Name">Its name.</param>
/// <param name="Prefix">What lists show of it.</param>
public sealed record CreatedKey(string Id, string Key, string Name, string Prefix);

/// <summary>A credit top-up's result.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Amount">Credits added.</param>
/// <param name="Balance">The balance after it.</param>
public sealed record TopUp(string Tenant, long Amount, long Balance);
