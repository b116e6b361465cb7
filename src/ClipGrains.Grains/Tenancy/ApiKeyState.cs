namespace ClipGrains.Grains.Tenancy;

/// <summary>Persisted API key: the secret's hash, never the secret.</summary>
[GenerateSerializer, Alias("clipgrains.api-key-state")]
internal sealed class ApiKeyState
{
    [Id(0)] public string? TenantId { get; set; }

    [Id(1)] public string Name { get; set; } = string.Empty;

    [Id(2)] public byte[] SecretHash { get; set; } = [];

    [Id(3)] public string Prefix { get; set; } = string.Empty;

    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    [Id(5)] public DateTimeOffset? LastUsedAt { get; set; }

    [Id(6)] public bool Revoked { get; set; }

    [Id(7)] public bool TenantSuspended { get; set; }
}
