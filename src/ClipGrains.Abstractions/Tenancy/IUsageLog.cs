namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// The append-only usage log. <see cref="AppendAsync"/> queues a record and returns at once (unless the queue is full); records are written in
/// batches (group commit) and deduplicated by id, so a record appended twice counts once. A record not yet written
/// when its process dies is lost: the tenant was charged, the invoice misses it — the provider's loss, bounded by one
/// flush interval of that process's traffic.
/// </summary>
public interface IUsageLog
{
    /// <summary>
    /// Queues <paramref name="record"/> for the next batch; while the queue is full (the store is slower than the traffic)
    /// it waits for room, so the log slows admissions down rather than losing records. False when the record was dropped
    /// all the same (the queue stayed full past the append wait): it will never be written, so nothing may be charged for it.
    /// </summary>
    ValueTask<bool> AppendAsync(UsageRecord record);

    /// <summary>
    /// Records this process dropped since start because the queue stayed full longer than the append wait (the store was
    /// down): the provider's loss.
    /// </summary>
    long Dropped { get; }

    /// <summary>Completes when every record appended before the call is written.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>A tenant's records with <paramref name="since"/> ≤ time &lt; <paramref name="until"/>, oldest first.</summary>
    IAsyncEnumerable<UsageRecord> ReadAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>A tenant's usage in that range summed per day, key and model.</summary>
    Task<IReadOnlyList<UsageGroup>> SummarizeAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>A tenant's charged usage of its collections in that range, per collection name.</summary>
    Task<IReadOnlyList<CollectionUsageGroup>> SummarizeCollectionsAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Whether a record with this id is written (a request settled by an earlier activation of its ledger).</summary>
    Task<bool> ContainsAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>Credits the written records admitted under <paramref name="lease"/> were charged (what a lost lease spent).</summary>
    Task<long> LeaseCreditsAsync(string tenant, long lease, CancellationToken cancellationToken = default);
}
