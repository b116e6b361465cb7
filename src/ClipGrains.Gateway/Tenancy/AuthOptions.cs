namespace ClipGrains.Gateway.Tenancy;

/// <summary>How <c>/v1</c> callers are identified. Bound from <c>ClipGrains:Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// When true (the default) every <c>/v1</c> call needs <c>Authorization: Bearer cg_…</c> and is rate-limited and
    /// charged to its tenant. False serves everything as one built-in tenant with no limits or charges: for a
    /// developer's own machine only.
    /// </summary>
    public bool Required { get; set; } = true;
}
