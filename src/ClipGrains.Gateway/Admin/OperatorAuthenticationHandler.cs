using System.Security.Claims;
using System.Text.Encodings.Web;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Admin;

/// <summary>
/// Authenticates the operator key for the endpoints whose metadata asks for the operator policy. Failures are
/// throttled per address and answered after the same minimum time as tenant-key failures.
/// </summary>
internal sealed class OperatorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminKeyStore store,
    FailedAuthLimiter limiter,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var started = time.GetTimestamp();
        limiter.ThrowIfBlocked(Context, Security.AuthRealm.Operator);
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && store.Verify(header["Bearer ".Length..].Trim()))
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, "operator")], Scheme.Name);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
        }

        await limiter.FailedAsync(Context, Security.AuthRealm.Operator, started);
        return AuthenticateResult.Fail("invalid operator key");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ErrorResponse.WriteAsync(Context, 401, "invalid_request_error", "invalid_admin_key",
            "The admin API needs 'Authorization: Bearer <operator key>' (ClipGrains:Admin:ApiKey).",
            headers: new Dictionary<string, string> { ["Connection"] = "close" });
}
