using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ClipGrains.Abstractions.Telemetry;

namespace ClipGrains.Grains.Collections;

/// <summary>What the collection shards active on this silo hold, for the gauges: each shard reports after every change.</summary>
public sealed class ShardGauges
{
    private readonly ConcurrentDictionary<string, (long Items, long Bytes, string Kind)> _shards = new(StringComparer.Ordinal);

    /// <summary>Registers the collection gauges on <paramref name="telemetry"/>.</summary>
    public ShardGauges(ClipGrainsTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        telemetry.ObserveCollections(
            () => _shards.Values.Sum(s => s.Items),
            () => _shards.Values.Sum(s => s.Bytes),
            () => _shards.Values.GroupBy(s => s.Kind, StringComparer.Ordinal).Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("index", g.Key))));
    }

    /// <summary>Index memory of every shard active on this silo (what the model budget counts next to the models).</summary>
    public long TotalBytes => _shards.Values.Sum(s => s.Bytes);

    /// <summary>Records what shard <paramref name="shard"/> (its grain key) holds now.</summary>
    public void Report(string shard, long items, long bytes, string kind) => _shards[shard] = (items, bytes, kind);

    /// <summary>Forgets a shard that deactivated.</summary>
    public void Remove(string shard) => _shards.TryRemove(shard, out _);
}
