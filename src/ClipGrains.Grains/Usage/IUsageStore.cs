using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Usage;

/// <summary>Where usage records are kept: a table of the project's own schema (SQLite or PostgreSQL), or memory in tests.</summary>
public interface IUsageStore
{
    /// <summary>Writes a batch in one transaction; records whose id is already stored are skipped.</summary>
    Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> of a tenant's records in [<paramref name="since"/>, <paramref name="until"/>), ordered by
    /// (time, id), starting after the record <paramref name="after"/> (null: from the start).
    /// </summary>
    Task<IReadOnlyList<UsageRecord>> PageAsync(string tenant, DateTimeOffset since, DateTimeOffset until, (DateTimeOffset At, string Id)? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>A tenant's usage in [<paramref name="since"/>, <paramref name="until"/>) summed per UTC day, key and model.</summary>
    Task<IReadOnlyList<UsageGroup>> SummarizeAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>
    /// A tenant's charged usage per collection in [<paramref name="since"/>, <paramref name="until"/>): summed from the log's
    /// collection rows (indexed apart from the rest), not from the daily roll-ups.
    /// </summary>
    Task<IReadOnlyList<CollectionUsageGroup>> SummarizeCollectionsAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Whether a record with this id is stored.</summary>
    Task<bool> ContainsAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>Credits of the stored records admitted under <paramref name="lease"/>.</summary>
    Task<long> LeaseCreditsAsync(string tenant, long lease, CancellationToken cancellationToken = default);
}
