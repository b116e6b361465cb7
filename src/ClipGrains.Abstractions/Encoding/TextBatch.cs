namespace ClipGrains.Abstractions.Encoding;

/// <summary>Prompts to embed with the text tower.</summary>
/// <param name="Texts">The prompts, already formatted with any template.</param>
/// <param name="Deadline">When the caller stops waiting.</param>
/// <param name="Tenant">Whose work it is: the text queue is shared fairly between tenants.</param>
/// <param name="Model">The deployment to run them on; empty for the default.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.text-batch")]
public sealed record TextBatch(
    [property: Id(0)] IReadOnlyList<string> Texts,
    [property: Id(1)] DateTimeOffset Deadline,
    [property: Id(2)] string Tenant = "",
    [property: Id(3)] string Model = "");
