namespace ClipGrains.Gateway.Contracts;

/// <summary>Every tenant.</summary>
/// <param name="Data">The tenants.</param>
internal sealed record TenantList(IReadOnlyList<TenantObject> Data)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}

/// <summary>A key just created; <paramref name="Key"/> appears in this response only.</summary>
/// <param name="Id">The key's public id.</param>
/// <param name="Key">The secret (<c>cg_…</c>).</param>
/// <param name="Name">Its name.</param>
/// <param name="Prefix">What lists show of it.</param>
/// <param name="CreatedAt">Creation, Unix seconds.</param>
internal sealed record CreatedKeyObject(string Id, string Key, string Name, string Prefix, long CreatedAt);

/// <summary>A key as lists show it (never its secret).</summary>
/// <param name="Id">The key's public id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Prefix">The secret's first characters.</param>
/// <param name="CreatedAt">Creation, Unix seconds.</param>
/// <param name="LastUsedAt">Last authentication, Unix seconds; null if never used.</param>
/// <param name="Revoked">Whether it is revoked.</param>
internal sealed record KeyObject(string Id, string Name, string Prefix, long CreatedAt, long? LastUsedAt, bool Revoked);

/// <summary>A tenant's keys.</summary>
/// <param name="Data">The keys.</param>
internal sealed record KeyList(IReadOnlyList<KeyObject> Data)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}

/// <summary>A credit top-up's result (a replay with the same Idempotency-Key returns it again).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Amount">Credits added.</param>
/// <param name="Reason">The reason given.</param>
/// <param name="Balance">The balance after it.</param>
internal sealed record CreditTopUp(string Tenant, long Amount, string Reason, long Balance)
{
    /// <summary>Always <c>credit_top_up</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "credit_top_up";
}
