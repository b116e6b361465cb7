namespace ClipGrains.Gateway.Security;

/// <summary>Whose keys an authentication checks; failed attempts are counted per realm (<see cref="FailedAuthLimiter"/>).</summary>
internal enum AuthRealm
{
    /// <summary>Tenants' API keys (<c>/v1</c>).</summary>
    Tenant,

    /// <summary>The operator key (<c>/admin</c>).</summary>
    Operator,
}
