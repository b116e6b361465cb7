namespace ClipGrains.Gateway.Admin;

/// <summary>The operator's access to <c>/admin/v1</c>. Bound from <c>ClipGrains:Admin</c>; validated at start.</summary>
public sealed class AdminOptions
{
    /// <summary>Shortest operator key accepted: a configured key is a bearer secret guessed online, so it must not be short.</summary>
    public const int MinKeyLength = 20;

    /// <summary>Fewest distinct characters in a configured key (refuses <c>aaaaaaaaaaaaaaaaaaaa</c> and the like).</summary>
    public const int MinDistinctCharacters = 8;

    /// <summary>
    /// The operator key. When empty, one is generated on first start and written to <c>{DataDirectory}/operator-key</c>
    /// (mode 0600), and only its SHA-256 is kept (in <c>{DataDirectory}/admin-key.sha256</c>).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Why <see cref="ApiKey"/> is too weak, or null when it is empty or strong enough.</summary>
    public string? Weakness() => ApiKey switch
    {
        null or "" => null,
        { Length: < MinKeyLength } => $"ClipGrains:Admin:ApiKey is {ApiKey.Length} characters; use at least {MinKeyLength} random characters (for example cga_$(openssl rand -hex 24)).",
        _ when ApiKey.Distinct().Count() < MinDistinctCharacters => $"ClipGrains:Admin:ApiKey has fewer than {MinDistinctCharacters} distinct characters; use a random key (for example cga_$(openssl rand -hex 24)).",
        _ => null,
    };
}
