using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Cluster;

/// <summary>
/// This silo's view of who can run inference: the active silos, least loaded first. Remote loads are asked
/// of each silo's <see cref="ISiloEncoderGrain"/> and cached briefly; the local load is read directly.
/// </summary>
public sealed class ClusterView(
    ILocalSiloDetails local, IClusterMembershipService membership, IGrainFactory grains, ModelActivations models, IOptions<FanOutOptions> options, TimeProvider time)
{
    private readonly Dictionary<string, (int Load, DateTimeOffset At)> _loads = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>This silo's address, as grain keys and results name it.</summary>
    public string LocalSilo { get; } = local.SiloAddress.ToParsableString();

    /// <summary>Active silos, this one included.</summary>
    public IReadOnlyList<string> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).ToList();

    /// <summary>Active silos ordered by current image load, least first; ties favour this silo.</summary>
    public async Task<IReadOnlyList<string>> SilosByLoadAsync()
    {
        var silos = ActiveSilos();
        var loads = await Task.WhenAll(silos.Select(LoadOfAsync));
        return silos.Select((silo, i) => (silo, load: loads[i]))
            .Where(x => x.load is not null)
            .OrderBy(x => x.load)
            .ThenBy(x => x.silo == LocalSilo ? 0 : 1)
            .Select(x => x.silo)
            .ToList();
    }

    /// <summary>
    /// Copies of each model loaded and loading across the active silos now (a silo that does not answer within a
    /// second is left out). Asked of every silo on each call: a listing, not a request path.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (int Loaded, int Loading)>> ModelCopiesAsync()
    {
        var answers = await Task.WhenAll(ActiveSilos().Select(async silo =>
        {
            if (silo == LocalSilo)
            {
                return models.States().Select(s => new ModelCopyState(s.Id, s.Loaded, s.Loading)).ToArray();
            }

            try
            {
                return await grains.GetGrain<ISiloEncoderGrain>(silo).GetModels().WaitAsync(TimeSpan.FromSeconds(1), time);
            }
            catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansException)
            {
                return [];
            }
        }));
        return answers.SelectMany(a => a).GroupBy(s => s.Model, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (g.Count(s => s.Loaded), g.Count(s => s.Loading)), StringComparer.Ordinal);
    }

    private async Task<int?> LoadOfAsync(string silo)
    {
        if (silo == LocalSilo)
        {
            return models.ImageLoad;
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_loads.TryGetValue(silo, out var cached) && now - cached.At < options.Value.LoadCacheDuration)
            {
                return cached.Load;
            }
        }

        try
        {
            var load = await grains.GetGrain<ISiloEncoderGrain>(silo).GetLoad().WaitAsync(TimeSpan.FromSeconds(1), time);
            lock (_lock)
            {
                _loads[silo] = (load, now);
            }

            return load;
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansException)
        {
            return null; // Unreachable right now: leave it out of this request.
        }
    }
}
