namespace ClipGrains.Grains.Collections;

/// <summary>Collections' items in memory, for silos whose grain state is in memory (tests); lost with the process.</summary>
internal sealed class MemoryCollectionStore : ICollectionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Uid, string Id), (int Shard, ShardRow Row)> _rows = [];

    public Task WriteAsync(string uid, int shard, IReadOnlyList<ShardRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        lock (_gate)
        {
            foreach (var row in rows)
            {
                _rows[(uid, row.Id)] = (shard, row);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ShardRow>> ReadShardAsync(string uid, int shard, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ShardRow>>([.. _rows.Where(p => p.Key.Uid == uid && p.Value.Shard == shard && p.Value.Row.Sequence > afterSequence)
                .Select(p => p.Value.Row).OrderBy(r => r.Sequence).Take(limit)]);
        }
    }

    public Task<long> LastSequenceAsync(string uid, int shard, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.Where(p => p.Key.Uid == uid && p.Value.Shard == shard).Select(p => p.Value.Row.Sequence).DefaultIfEmpty(0).Max());
        }
    }

    public Task<IReadOnlyList<ShardRow>> PageAsync(string uid, string? after, int limit, bool withVectors, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ShardRow>>([.. Live(uid).Where(r => string.CompareOrdinal(r.Id, after ?? string.Empty) > 0)
                .OrderBy(r => r.Id, StringComparer.Ordinal).Take(limit).Select(r => withVectors ? r with { Thumbnail = null } : r with { Vector = [], Thumbnail = null })]);
        }
    }

    public Task<ShardRow?> GetAsync(string uid, string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.TryGetValue((uid, id), out var entry) && !entry.Row.Deleted ? entry.Row : null);
        }
    }

    public Task<(long Items, long Bytes)> CountAsync(string uid, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var live = Live(uid).ToList();
            return Task.FromResult(((long)live.Count, live.Sum(r => r.Bytes)));
        }
    }

    public Task DeleteCollectionAsync(string uid, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var key in _rows.Keys.Where(k => k.Uid == uid).ToList())
            {
                _rows.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    private IEnumerable<ShardRow> Live(string uid) => _rows.Where(p => p.Key.Uid == uid && !p.Value.Row.Deleted).Select(p => p.Value.Row);
}
