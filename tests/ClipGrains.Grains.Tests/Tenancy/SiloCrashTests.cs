using System.Collections.Concurrent;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tests.Support;
using Orleans.TestingHost;

namespace ClipGrains.Grains.Tests.Tenancy;

/// <summary>Destructive: kills the silo that hosts a tenant's ledger in the middle of a load.</summary>
[Trait("Category", "cluster")]
public sealed class SiloCrashTests : IAsyncLifetime
{
    private OwnCluster _own = null!;

    private InProcessTestCluster Cluster => _own.Cluster;

    public async Task InitializeAsync() => _own = await OwnCluster.StartAsync(3, (silo, database) => silo.AddClipGrainsSqliteStorage(database));

    public async Task DisposeAsync() => await _own.DisposeAsync();

    [Fact]
    public async Task The_ledger_invariant_holds_after_its_silo_is_killed_mid_load()
    {
        const long initial = 10_000;
        var (tenantId, host) = await TenantOffThePrimarySiloAsync(initial);
        var tenant = Cluster.Client.GetGrain<ITenantGrain>(tenantId);
        var random = new Random(7);
        var costs = Enumerable.Range(0, 80).Select(i => (Id: $"req-{i}", Cost: (long)random.Next(1, 50))).ToList();
        var committed = new ConcurrentDictionary<string, long>();
        var killed = new TaskCompletionSource();

        async Task RunAsync((string Id, long Cost) request, int index)
        {
            if (index == 40)
            {
                await Cluster.KillSiloAsync(host);
                killed.TrySetResult();
            }

            // A client that retries with the same request id until the ledger answers, as the gateway's caller would,
            // backing off briefly while the cluster notices the dead silo (bounded: two minutes).
            var started = DateTime.UtcNow;
            while (true)
            {
                try
                {
                    var admission = await tenant.Admit(new Admission(request.Id, 0, request.Cost));
                    if (admission.Outcome == AdmissionOutcome.Admitted)
                    {
                        await tenant.Settle(new Settlement(request.Id, Commit: true, request.Cost, 0, 0));
                        committed[request.Id] = request.Cost;
                    }

                    return;
                }
                catch (Exception) when (DateTime.UtcNow - started < TimeSpan.FromMinutes(2))
                {
                    await Task.Delay(50);
                }
            }
        }

        await Task.WhenAll(costs.Select((c, i) => RunAsync(c, i)));
        await killed.Task;

        var info = (await tenant.GetInfo())!;
        Assert.Equal(0, info.Reserved);
        Assert.Equal(initial - info.Balance, committed.Values.Sum());
        Assert.Equal(costs.Count, committed.Count);

        // The usage log agrees with the ledger: every committed request once, even those settled just before the kill.
        var records = await UsageLogs.RecordsAsync(Cluster, tenantId);
        Assert.Equal(committed.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)), records.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => (r.Id, r.Credits)));
    }

    private async Task<(string TenantId, InProcessSiloHandle Host)> TenantOffThePrimarySiloAsync(long credits)
    {
        var management = Cluster.Client.GetGrain<IManagementGrain>(0);
        for (var i = 0; ; i++)
        {
            var id = $"tn_crash{i}";
            await Cluster.Client.GetGrain<ITenantGrain>(id).Create("crash", new TenantLimits(100_000, 100_000), credits);
            var stats = await management.GetDetailedGrainStatistics();
            var silo = stats.Single(s => s.GrainId.ToString().EndsWith(id, StringComparison.Ordinal) && s.GrainType.Contains("TenantGrain", StringComparison.Ordinal)).SiloAddress;
            var handle = Cluster.Silos.Single(s => s.SiloAddress.Equals(silo));
            if (handle != Cluster.Silos[0])
            {
                return (id, handle);
            }
        }
    }
}
