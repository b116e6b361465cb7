using ClipGrains.Abstractions.Encoding;

namespace ClipGrains.Grains.Cluster;

/// <summary>
/// Where a model's work goes, decided from the silos' snapshots (pure, so every rule is tested on its own):
/// <list type="number">
/// <item>to this silo when it holds the model and its queue is not deep (no hop);</item>
/// <item>to the least-loaded silo holding the model — unless even that one's queue is deep
/// (<c>FanOut:ScaleOutQueueDepth</c> images or more), the model has fewer copies than its limit, and a silo without it
/// exists: then to the least-loaded such silo, which loads another copy;</item>
/// <item>else to a silo already loading it (the request waits on that load);</item>
/// <item>else, a cold model, to the least-loaded silo.</item>
/// </list>
/// Other ties favour the local silo too. Extra copies retire by themselves: a copy that gets no work unloads when idle.
/// </summary>
public static class ModelRouting
{
    /// <summary>Rule 1: this silo holds <paramref name="model"/> and its queue is not deep, so it serves without a hop.</summary>
    public static bool ServesLocally(string model, SiloSnapshot local, int deepQueue)
    {
        ArgumentNullException.ThrowIfNull(local);
        return local.Holds(model) && local.Load < deepQueue;
    }

    /// <summary>The silo to run <paramref name="model"/>'s next request on; null when no silo answered.</summary>
    /// <param name="model">The deployment's id.</param>
    /// <param name="silos">The active silos that answered, with their snapshots.</param>
    /// <param name="local">This silo.</param>
    /// <param name="maxCopies">Copies allowed across the cluster; 0 for one per silo.</param>
    /// <param name="deepQueue">Images queued on a silo from which another copy is worth loading.</param>
    public static string? Choose(string model, IReadOnlyList<(string Silo, SiloSnapshot Snapshot)> silos, string local, int maxCopies, int deepQueue)
    {
        ArgumentNullException.ThrowIfNull(silos);
        var ordered = silos.OrderBy(s => s.Snapshot.Load).ThenBy(s => s.Silo == local ? 0 : 1).ToList();
        var holders = ordered.Where(s => s.Snapshot.Holds(model)).ToList();
        var loading = ordered.Where(s => s.Snapshot.IsLoading(model)).ToList();
        if (holders.Count > 0)
        {
            var here = holders.FirstOrDefault(s => s.Silo == local);
            if (here.Silo is not null && ServesLocally(model, here.Snapshot, deepQueue))
            {
                return local;
            }

            var best = holders[0];
            var copies = holders.Count + loading.Count;
            if (best.Snapshot.Load >= deepQueue && (maxCopies == 0 || copies < maxCopies))
            {
                var spare = ordered.FirstOrDefault(s => !s.Snapshot.Holds(model) && !s.Snapshot.IsLoading(model));
                if (spare.Silo is not null && spare.Snapshot.Load < best.Snapshot.Load)
                {
                    return spare.Silo;
                }
            }

            return best.Silo;
        }

        return loading.Count > 0 ? loading[0].Silo : ordered.FirstOrDefault().Silo;
    }

    /// <summary>The silos to spread a large request of <paramref name="model"/> over: those holding it, least loaded first, else the one <see cref="Choose"/> picks.</summary>
    public static IReadOnlyList<string> Spread(string model, IReadOnlyList<(string Silo, SiloSnapshot Snapshot)> silos, string local, int maxCopies, int deepQueue)
    {
        ArgumentNullException.ThrowIfNull(silos);
        var holders = silos.Where(s => s.Snapshot.Holds(model)).OrderBy(s => s.Snapshot.Load).ThenBy(s => s.Silo == local ? 0 : 1).Select(s => s.Silo).ToList();
        return holders.Count > 0 ? holders : Choose(model, silos, local, maxCopies, deepQueue) is { } one ? [one] : [];
    }
}
