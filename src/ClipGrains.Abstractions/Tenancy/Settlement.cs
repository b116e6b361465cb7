namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// How a reservation ends: committed at the actual cost (at most the reserved amount), or refunded in full. A commit, a
/// refused request and a stored response become one record of the usage log, written by the ledger that decided it.
/// </summary>
/// <param name="ReservationId">The admission's reservation.</param>
/// <param name="Commit">True to charge, false to refund.</param>
/// <param name="Credits">Actual cost when committing; the rest of the reservation is released.</param>
/// <param name="Images">Images actually processed (usage).</param>
/// <param name="Texts">Prompts actually encoded (usage).</param>
/// <param name="Refused">A refund because the request's own input was invalid: counted in usage as a refused request.</param>
/// <param name="DecodeMilliseconds">Decoding time a refused request used before it failed (usage).</param>
/// <param name="StoredResponseBytes">
/// Bytes of the response kept for Idempotency-Key replays (24 h); 0 when the request sent no key. Counted in usage.
/// </param>
/// <param name="Model">The deployment that did the work (the usage record's model).</param>
/// <param name="KeyId">The API key that made the request (the usage record's key).</param>
/// <param name="Route">The API operation (the usage record's route).</param>
/// <param name="Collection">The collection the request worked on, if any (the usage record's collection).</param>
[GenerateSerializer, Immutable, Alias("clipgrains.settlement")]
public sealed record Settlement(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] bool Commit,
    [property: Id(2)] long Credits,
    [property: Id(3)] int Images,
    [property: Id(4)] int Texts,
    [property: Id(5)] bool Refused = false,
    [property: Id(6)] long DecodeMilliseconds = 0,
    [property: Id(7)] long StoredResponseBytes = 0,
    [property: Id(8)] string Model = "",
    [property: Id(9)] string KeyId = "",
    [property: Id(10)] string Route = "",
    [property: Id(11)] string Collection = "");
