namespace ClipGrains.Host.Bench;

/// <summary>
/// Tenant isolation measured: a victim tenant's latency with the server to itself, then again while a flooding tenant
/// saturates its own limits (many clients, heavy requests), both against the same server in one run.
/// </summary>
internal static class FairnessRun
{
    public sealed record Result(LoadResult VictimAlone, LoadResult VictimDuringFlood, LoadResult Flood);

    public static async Task<Result> MeasureAsync(
        LoadGenerator victim, LoadGenerator flood, int floodClients, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(victim);
        ArgumentNullException.ThrowIfNull(flood);
        var alone = await victim.RunAsync(1, duration, int.MaxValue, null, cancellationToken);

        // The flood starts first so the victim's first request already meets full queues.
        var flooding = flood.RunAsync(floodClients, duration + TimeSpan.FromSeconds(2), int.MaxValue, null, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var during = await victim.RunAsync(1, duration, int.MaxValue, null, cancellationToken);
        return new Result(alone, during, await flooding);
    }
}
