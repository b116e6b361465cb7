namespace ClipGrains.Gateway.Security;

/// <summary>
/// Names of the authentication schemes and authorization policies. Every route group states one of the policies (or
/// is marked anonymous) as endpoint metadata; nothing decides access by comparing path strings.
/// </summary>
internal static class AuthSchemes
{
    /// <summary>A tenant's API key (<c>Authorization: Bearer cg_…</c>).</summary>
    public const string ApiKey = "clipgrains-api-key";

    /// <summary>The operator key of the admin API.</summary>
    public const string Operator = "clipgrains-operator";

    /// <summary>Policy of the public API: an authenticated tenant.</summary>
    public const string TenantPolicy = "tenant";

    /// <summary>Policy of the admin API: the operator.</summary>
    public const string OperatorPolicy = "operator";

    /// <summary>Claim that carries the tenant id.</summary>
    public const string TenantClaim = "clipgrains:tenant";

    /// <summary>The claim carrying the id of the API key that authenticated the request (usage per key).</summary>
    public const string KeyClaim = "clipgrains:key";
}
