using ClipGrains.Abstractions.Encoding;

namespace ClipGrains.Abstractions.Cluster;

/// <summary>Embeddings of a whole request, in input order, and the silos that computed them.</summary>
/// <param name="Vectors">One unit embedding per image; empty on failure.</param>
/// <param name="Silos">Distinct silos that ran a chunk.</param>
/// <param name="Failure">Set when any chunk failed; its index is relative to the whole request.</param>
public sealed record FannedOutResult(float[][] Vectors, IReadOnlyList<string> Silos, EncodeFailure? Failure = null);
