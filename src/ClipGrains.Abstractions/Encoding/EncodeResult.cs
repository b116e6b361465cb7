namespace ClipGrains.Abstractions.Encoding;

/// <summary>Unit-length embeddings for a batch of inputs, in input order, or the reason there are none.</summary>
/// <param name="Vectors">One embedding per input; empty when <paramref name="Failure"/> is set.</param>
/// <param name="Silo">The silo that ran the inference (for fan-out accounting and tests).</param>
/// <param name="Failure">Set when the batch could not be served.</param>
/// <param name="Tokens">For prompts: each one's token count under the model's tokenizer (usage reports them).</param>
[GenerateSerializer, Immutable, Alias("clipgrains.encode-result")]
public sealed record EncodeResult(
    [property: Id(0)] float[][] Vectors,
    [property: Id(1)] string Silo,
    [property: Id(2)] EncodeFailure? Failure = null,
    [property: Id(3)] int[]? Tokens = null);
