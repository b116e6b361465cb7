namespace ClipGrains.Abstractions.Tenancy;

/// <summary>The answer of an API key to a presented secret.</summary>
/// <param name="Tenant">The tenant the key acts for when the secret matched and the key is usable; otherwise null.</param>
/// <param name="Exists">
/// Whether a key with this id exists at all. Lets a silo remember unknown ids for a while (no storage read, no activation
/// for a guessed id); it never changes what the caller is told, which is the same 401 either way.
/// </param>
[GenerateSerializer, Immutable, Alias("clipgrains.key-verdict")]
public sealed record KeyVerdict([property: Id(0)] string? Tenant, [property: Id(1)] bool Exists);
