namespace ClipGrains.Abstractions.Encoding;

/// <summary>
/// Encoded images (JPEG, PNG, …) to embed. Marked immutable so Orleans passes it by reference inside a
/// silo: the bytes are never copied on the local path and are serialised once on a remote one.
/// </summary>
/// <param name="Images">The encoded image files.</param>
/// <param name="Deadline">When the caller stops waiting; work not started by then is dropped.</param>
/// <param name="Tenant">Whose work it is: queues and decode slots are shared fairly between tenants.</param>
/// <param name="Model">The deployment to run them on; empty for the default.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.image-batch")]
public sealed record ImageBatch(
    [property: Id(0)] IReadOnlyList<byte[]> Images,
    [property: Id(1)] DateTimeOffset Deadline,
    [property: Id(2)] string Tenant = "",
    [property: Id(3)] string Model = "");
