using ClipGrains.Abstractions.Cluster;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Serving;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Cluster;

/// <summary>
/// This silo's view of who can run inference: the active silos with their image load and the models they hold or are
/// loading. Remote silos are asked through their <see cref="ISiloEncoderGrain"/> and the answers cached for
/// <see cref="FanOutOptions.LoadCacheDuration"/>; this silo is read directly. The cluster's model directory is this
/// view: no silo keeps a list that could go stale when another one dies, because dead silos leave the membership.
/// </summary>
public sealed class ClusterView(
    ILocalSiloDetails local, IClusterMembershipService membership, IGrainFactory grains, SiloModels models, IOptions<FanOutOptions> options, TimeProvider time) : IModelDirectory
{
    private readonly Dictionary<string, (SiloSnapshot Snapshot, DateTimeOffset At)> _snapshots = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>This silo's address, as grain keys and results name it.</summary>
    public string LocalSilo { get; } = local.SiloAddress.ToParsableString();

    /// <summary>Active silos, this one included.</summary>
    public IReadOnlyList<string> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).ToList();

    /// <inheritdoc />
    public async Task<IReadOnlyList<(string Silo, SiloSnapshot Snapshot)>> SnapshotsAsync()
    {
        var silos = ActiveSilos();
        var snapshots = await Task.WhenAll(silos.Select(SnapshotOfAsync));
        return [.. silos.Select((silo, i) => (silo, snapshots[i])).Where(x => x.Item2 is not null).Select(x => (x.silo, x.Item2!))];
    }

    /// <summary>This silo's snapshot, read directly.</summary>
    public SiloSnapshot LocalSnapshot() => models.Snapshot();

    /// <summary>Active silos ordered by current image load, least first; ties favour this silo.</summary>
    public async Task<IReadOnlyList<string>> SilosByLoadAsync() =>
        [.. (await SnapshotsAsync()).OrderBy(x => x.Snapshot.Load).ThenBy(x => x.Silo == LocalSilo ? 0 : 1).Select(x => x.Silo)];

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, (int Loaded, int Loading)>> ModelCopiesAsync() =>
        (await SnapshotsAsync()).SelectMany(x => x.Snapshot.Models).GroupBy(s => s.Model, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (g.Count(s => s.Loaded), g.Count(s => s.Loading)), StringComparer.Ordinal);

    /// <summary>Forgets what a silo reported (it failed a call), so the next decision asks again.</summary>
    public void Forget(string silo)
    {
        lock (_lock)
        {
            _snapshots.Remove(silo);
        }
    }

    private async Task<SiloSnapshot?> SnapshotOfAsync(string silo)
    {
        if (silo == LocalSilo)
        {
            return LocalSnapshot();
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_snapshots.TryGetValue(silo, out var cached) && now - cached.At < options.Value.LoadCacheDuration)
            {
                return cached.Snapshot;
            }
        }

        try
        {
            var snapshot = await grains.GetGrain<ISiloEncoderGrain>(silo).GetSnapshot().WaitAsync(TimeSpan.FromSeconds(1), time);
            lock (_lock)
            {
                _snapshots[silo] = (snapshot, now);
            }

            return snapshot;
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansException)
        {
            return null; // Unreachable right now: leave it out of this decision.
        }
    }
}
