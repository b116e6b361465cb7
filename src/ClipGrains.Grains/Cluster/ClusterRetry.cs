namespace ClipGrains.Grains.Cluster;

/// <summary>
/// One retry for read-only grain calls that hit a silo the cluster has just declared dead. Orleans fails such a call
/// with <see cref="SiloUnavailableException"/> and drops the stale directory entry, so the retry reaches a fresh
/// activation on a live silo. Never used for calls that change state (those carry idempotency keys instead and the
/// client retries them on the 503).
/// </summary>
internal static class ClusterRetry
{
    public static async Task<T> ReadOnceMoreAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (SiloUnavailableException)
        {
            return await call();
        }
    }
}
