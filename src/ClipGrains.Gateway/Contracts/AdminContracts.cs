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

/// <summary>Where the models are: every active silo with its image load and the models it holds or is loading.</summary>
/// <param name="Data">One entry per silo that answered.</param>
internal sealed record SiloModelsList(IReadOnlyList<SiloModels> Data)
{
    /// <summary>Always <c>list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}

/// <summary>One silo's models.</summary>
/// <param name="Silo">The silo's address.</param>
/// <param name="Load">Images queued or being inferred there.</param>
/// <param name="Models">Each configured model: loaded, loading, or neither.</param>
internal sealed record SiloModels(string Silo, int Load, IReadOnlyList<SiloModel> Models);

/// <summary>One model on one silo.</summary>
/// <param name="Model">The deployment.</param>
/// <param name="Loaded">Loaded and serving there.</param>
/// <param name="Loading">Being loaded there.</param>
internal sealed record SiloModel(string Model, bool Loaded, bool Loading);
