using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Tenancy;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Security;

/// <summary>
/// Checks again, when a request that waited for its turn is about to start, that its key still holds for its tenant:
/// a key revoked (or a tenant suspended) while requests queued must not serve them for seconds afterwards. Costs no
/// grain call while the silo's verdict for the key is cached; a revocation is pushed to every silo and empties it.
/// </summary>
internal sealed class KeyRecheck(IKeyAuthenticator keys, IOptions<AuthOptions> auth)
{
    /// <summary>Throws 401 when the request's key was revoked or its tenant suspended since it authenticated.</summary>
    public async Task ThrowIfRevokedAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.Authorization.ToString();
        if (!auth.Value.Required || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || !ApiKeyMaterial.TryParse(header["Bearer ".Length..].Trim(), out var keyId, out var secret))
        {
            return; // authenticated another way (operator), or not at all: nothing to check again
        }

        var verdict = await keys.AuthenticateAsync(keyId, ApiKeyMaterial.Hash(secret));
        if (verdict.Tenant != RequestTenant.Of(context))
        {
            throw new ApiException(401, "invalid_request_error", "invalid_api_key",
                "The API key was revoked or its tenant suspended while this request waited to start.")
            {
                Headers = new Dictionary<string, string> { ["Connection"] = "close" },
            };
        }
    }
}
