namespace ClipGrains.Abstractions.Tenancy;

/// <summary>A response kept for idempotent replay: status, content type and the exact body bytes.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="ContentType">Content type.</param>
/// <param name="Body">Body bytes.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.stored-response")]
public sealed record StoredResponse(
    [property: Id(0)] int Status,
    [property: Id(1)] string ContentType,
    [property: Id(2)] byte[] Body);
