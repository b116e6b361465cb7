using System.Text.Encodings.Web;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Security;

/// <summary>
/// Authenticates OpenAI's <c>Authorization: Bearer &lt;key&gt;</c> for the endpoints whose metadata asks for the tenant
/// policy: the key id selects the key's grain, which compares the secret's hash in constant time (the silo's
/// <see cref="IKeyAuthenticator"/>, which remembers a success for about a second). Unknown, malformed,
/// revoked and suspended keys all get the same 401 after the same minimum time, so a caller learns nothing about
/// which keys exist; failures are throttled per address. The key is never logged.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> auth,
    IKeyAuthenticator keys,
    FailedAuthLimiter limiter,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string FailureItem = "clipgrains.auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!auth.Value.Required)
        {
            return Success(RequestTenant.Default, string.Empty);
        }

        var started = time.GetTimestamp();
        limiter.ThrowIfBlocked(Context, AuthRealm.Tenant);
        var (tenant, keyId, failure) = await VerifyAsync();
        if (tenant is not null)
        {
            return Success(tenant, keyId);
        }

        await limiter.FailedAsync(Context, AuthRealm.Tenant, started);
        Context.Items[FailureItem] = failure;
        return AuthenticateResult.Fail(failure!);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = Context.Items[FailureItem] as string ?? "This endpoint needs an API key: send 'Authorization: Bearer cg_...'.";

        // An unauthenticated client gets no keep-alive: idle connections of key-less floods cannot pile up.
        return ErrorResponse.WriteAsync(Context, 401, "invalid_request_error", "invalid_api_key", message,
            headers: new Dictionary<string, string> { ["Connection"] = "close" });
    }

    // The key's tenant and id, or why the key is refused.
    private async Task<(string? Tenant, string KeyId, string? Failure)> VerifyAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, string.Empty, "You didn't provide an API key. Send it as 'Authorization: Bearer cg_...'.");
        }

        if (!ApiKeyMaterial.TryParse(header["Bearer ".Length..].Trim(), out var keyId, out var secret))
        {
            return (null, string.Empty, "Incorrect API key provided. Keys look like cg_<id>_<secret>; ask your administrator for one.");
        }

        const string Refused = "Incorrect API key provided, or the key was revoked or its tenant suspended.";
        var verdict = await keys.AuthenticateAsync(keyId, ApiKeyMaterial.Hash(secret));
        return verdict.Tenant is { } tenant ? (tenant, keyId, null) : (null, keyId, Refused);
    }

    private AuthenticateResult Success(string tenant, string keyId) =>
        AuthenticateResult.Success(new AuthenticationTicket(RequestTenant.Principal(tenant, Scheme.Name, keyId), Scheme.Name));
}
