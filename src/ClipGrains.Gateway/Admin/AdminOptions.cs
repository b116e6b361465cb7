namespace ClipGrains.Gateway.Admin;

/// <summary>The operator's access to <c>/admin/v1</c>. Bound from <c>ClipGrains:Admin</c>.</summary>
public sealed class AdminOptions
{
    /// <summary>
    /// The operator key. When empty, one is generated on first start, printed once to the console, and only its
    /// SHA-256 is kept (in <c>{DataDirectory}/admin-key.sha256</c>).
    /// </summary>
    public string? ApiKey { get; set; }
}
