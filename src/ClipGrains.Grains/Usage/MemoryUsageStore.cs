using System.Globalization;
using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Usage;

/// <summary>Usage records in memory, for clusters whose grain storage is in memory (tests): same contract as the tables.</summary>
public sealed class MemoryUsageStore : IUsageStore
{
    private readonly Dictionary<string, UsageRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_lock)
        {
            foreach (var record in records)
            {
                _records.TryAdd(record.Id, record);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<UsageRecord>> PageAsync(
        string tenant, DateTimeOffset since, DateTimeOffset until, (DateTimeOffset At, string Id)? after, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<UsageRecord>>([.. Range(tenant, since, until)
                .Where(r => after is not { } a || r.At > a.At || (r.At == a.At && string.CompareOrdinal(r.Id, a.Id) > 0))
                .OrderBy(r => r.At).ThenBy(r => r.Id, StringComparer.Ordinal).Take(limit)]);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<UsageGroup>> SummarizeAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<UsageGroup>>([.. Range(tenant, since, until)
                .GroupBy(r => (Date: r.At.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.KeyId, r.Model))
                .OrderBy(g => g.Key.Date, StringComparer.Ordinal).ThenBy(g => g.Key.KeyId, StringComparer.Ordinal).ThenBy(g => g.Key.Model, StringComparer.Ordinal)
                .Select(g => new UsageGroup(
                    g.Key.Date, g.Key.KeyId, g.Key.Model,
                    g.Count(r => !r.Refused), g.Where(r => !r.Refused).Sum(r => (long)r.Images), g.Where(r => !r.Refused).Sum(r => (long)r.Texts), g.Sum(r => r.Credits),
                    g.Count(r => r.Refused), g.Where(r => r.Refused).Sum(r => r.DecodeMilliseconds), g.Count(r => r.StoredBytes > 0), g.Sum(r => r.StoredBytes)))]);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CollectionUsageGroup>> SummarizeCollectionsAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<CollectionUsageGroup>>([.. Range(tenant, since, until).Where(r => r.Collection.Length > 0 && !r.Refused)
                .GroupBy(r => r.Collection, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new CollectionUsageGroup(g.Key, g.Count(), g.Sum(r => (long)r.Images), g.Sum(r => (long)r.Texts), g.Sum(r => r.Credits)))]);
        }
    }

    /// <inheritdoc />
    public Task<bool> ContainsAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.TryGetValue(id, out var record) && record.Tenant == tenant);
        }
    }

    /// <inheritdoc />
    public Task<long> LeaseCreditsAsync(string tenant, long lease, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.Values.Where(r => r.Tenant == tenant && r.Lease == lease && lease != 0).Sum(r => r.Credits));
        }
    }

    private IEnumerable<UsageRecord> Range(string tenant, DateTimeOffset since, DateTimeOffset until) =>
        _records.Values.Where(r => r.Tenant == tenant && r.At >= since && r.At < until);
}
