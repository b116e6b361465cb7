using ClipGrains.Abstractions.Cluster;

namespace ClipGrains.Grains.Cluster;

/// <summary>
/// Pushes an invalidation to every active silo's caches (<see cref="ISiloCachesGrain"/>). Best effort by design: each cache's expiry is the
/// guarantee, the push makes the change immediate where it arrives.
/// </summary>
internal static class EverySilo
{
    // A silo that does not answer this soon keeps its stale entry until it expires.
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(2);

    public static Task TellAsync(IGrainFactory grains, IClusterMembershipService membership, TimeProvider time, Func<ISiloCachesGrain, Task> tell)
    {
        var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString());
        return Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                await tell(grains.GetGrain<ISiloCachesGrain>(silo)).WaitAsync(PushTimeout, time);
            }
            catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansException)
            {
                // Unreachable now: its entry expires on its own.
            }
        }));
    }
}
