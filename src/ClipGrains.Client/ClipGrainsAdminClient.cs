using ClipGrains.Client.Models;

namespace ClipGrains.Client;

/// <summary>
/// The operator's admin API: tenants, keys and credits. Give it an <see cref="HttpClient"/> whose
/// <see cref="HttpClient.BaseAddress"/> is the server's <c>/admin/v1/</c> (trailing slash).
/// </summary>
public sealed class ClipGrainsAdminClient
{
    private readonly ApiConnection _api;

    /// <summary>Creates the client for the operator key.</summary>
    public ClipGrainsAdminClient(HttpClient http, string operatorKey)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrEmpty(operatorKey);
        _api = new ApiConnection(http, operatorKey);
    }

    /// <summary>Creates a tenant.</summary>
    public Task<Tenant> CreateTenantAsync(CreateTenantRequest tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return _api.SendAsync(HttpMethod.Post, "tenants", ApiConnection.Json(tenant, ClientJson.Default.CreateTenantRequest), ClientJson.Default.Tenant, cancellationToken);
    }

    /// <summary>A tenant's account and usage.</summary>
    public Task<Usage> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, $"tenants/{Uri.EscapeDataString(tenantId)}", null, ClientJson.Default.Usage, cancellationToken);

    /// <summary>Creates an API key for a tenant; its secret is in this answer only.</summary>
    public Task<CreatedKey> CreateKeyAsync(string tenantId, string name, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"tenants/{Uri.EscapeDataString(tenantId)}/keys", ApiConnection.Json(new KeyRequest(name), ClientJson.Default.KeyRequest),
            ClientJson.Default.CreatedKey, cancellationToken);

    /// <summary>Revokes a key at once on every silo.</summary>
    public async Task RevokeKeyAsync(string tenantId, string keyId, CancellationToken cancellationToken = default)
    {
        using var _ = await _api.SendRawAsync(HttpMethod.Delete, $"tenants/{Uri.EscapeDataString(tenantId)}/keys/{Uri.EscapeDataString(keyId)}", null, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Adds credits once per <paramref name="idempotencyKey"/> (a retry never adds them twice).</summary>
    public Task<TopUp> TopUpAsync(string tenantId, long amount, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"tenants/{Uri.EscapeDataString(tenantId)}/credits", ApiConnection.Json(new TopUpRequest(amount, reason), ClientJson.Default.TopUpRequest),
            ClientJson.Default.TopUp, cancellationToken, idempotencyKey);
}
