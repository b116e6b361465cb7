namespace ClipGrains.Client.Models;

/// <summary>A tenant's account: balance, limits and usage (<c>GET /v1/usage</c>, and the admin API's tenant view).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Totals">Usage over the days shown.</param>
/// <param name="Days">Usage per UTC day.</param>
public sealed record Usage(Tenant Tenant, UsageTotals Totals, IReadOnlyList<UsageDay> Days);

/// <summary>A tenant.</summary>
/// <param name="Id">Its id (<c>tn_…</c>).</param>
/// <param name="Name">Its name.</param>
/// <param name="Balance">Credits available.</param>
/// <param name="Reserved">Credits held by requests and builds in progress.</param>
/// <param name="Suspended">Whether its keys are refused.</param>
/// <param name="Leased">Credits held by the server's leases for this tenant's busy traffic.</param>
public sealed record Tenant(string Id, string Name, long Balance, long Reserved, bool Suspended, long Leased = 0);

/// <summary>Usage summed over days.</summary>
/// <param name="Requests">Charged requests.</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
/// <param name="Refused">Requests refused by their own input after admission (not charged).</param>
/// <param name="Models">The charged usage per model, by model id.</param>
/// <param name="Keys">The charged usage per API key, by key id.</param>
public sealed record UsageTotals(long Requests, long Images, long Texts, long Credits, long Refused, IReadOnlyList<ModelUsage>? Models = null, IReadOnlyList<KeyUsage>? Keys = null);

/// <summary>One UTC day of usage.</summary>
/// <param name="Date">The day, <c>yyyy-MM-dd</c>.</param>
/// <param name="Requests">Charged requests.</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
/// <param name="Models">The day's charged usage per model, by model id.</param>
/// <param name="Keys">The day's charged usage per API key, by key id.</param>
public sealed record UsageDay(string Date, long Requests, long Images, long Texts, long Credits, IReadOnlyList<ModelUsage>? Models = null, IReadOnlyList<KeyUsage>? Keys = null);

/// <summary>One API key's share of the charged usage.</summary>
/// <param name="KeyId">The key's id.</param>
/// <param name="Requests">Charged requests.</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
public sealed record KeyUsage(string KeyId, long Requests, long Images, long Texts, long Credits);

/// <summary>One model's share of the charged usage.</summary>
/// <param name="Model">The model id.</param>
/// <param name="Requests">Charged requests.</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
public sealed record ModelUsage(string Model, long Requests, long Images, long Texts, long Credits);
