using System.Security.Claims;
using ClipGrains.Gateway.Security;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// The tenant a request acts for: a claim of the principal that <see cref="ApiKeyAuthenticationHandler"/> authenticated
/// (the authorization middleware makes it the request's user), so there is one record of it, not a copy beside it.
/// </summary>
internal static class RequestTenant
{
    /// <summary>The built-in tenant when authentication is off.</summary>
    public const string Default = "default";

    public static string Of(HttpContext context) => context.User.FindFirst(AuthSchemes.TenantClaim)?.Value ?? Default;

    /// <summary>The id of the API key the request was authenticated with; empty when authentication is off.</summary>
    public static string KeyOf(HttpContext context) => context.User.FindFirst(AuthSchemes.KeyClaim)?.Value ?? string.Empty;

    /// <summary>The principal of a request authenticated for <paramref name="tenant"/> by <paramref name="scheme"/> with key <paramref name="keyId"/>.</summary>
    public static ClaimsPrincipal Principal(string tenant, string scheme, string keyId = "") =>
        new(new ClaimsIdentity([new Claim(AuthSchemes.TenantClaim, tenant), new Claim(AuthSchemes.KeyClaim, keyId)], scheme));
}
