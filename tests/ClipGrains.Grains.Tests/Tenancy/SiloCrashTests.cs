using System.Collections.Concurrent;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace ClipGrains.Grains.Tests.Tenancy;

/// <summary>Destructive: kills the silo that hosts a tenant's ledger in the middle of a load.</summary>
public sealed class SiloCrashTests : IAsyncLifetime
{
    private readonly SyntheticClip _model = SyntheticClip.Create();
    private readonly string _database = Path.Combine(Path.GetTempPath(), "clipgrains-tests", $"crash-{Guid.NewGuid():N}.db");
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ClipGrains:Model:Path"] = _model.Directory }).Build();
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddClipGrains(configuration);
            silo.AddClipGrainsSqliteStorage(_database);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _model.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_database);
    }

    [Fact]
    public async Task The_ledger_invariant_holds_after_its_silo_is_killed_mid_load()
    {
        const long initial = 10_000;
        var (tenantId, host) = await TenantOffThePrimarySiloAsync(initial);
        var tenant = _cluster.Client.GetGrain<ITenantGrain>(tenantId);
        var random = new Random(7);
        var costs = Enumerable.Range(0, 80).Select(i => (Id: $"req-{i}", Cost: (long)random.Next(1, 50))).ToList();
        var committed = new ConcurrentDictionary<string, long>();
        var killed = new TaskCompletionSource();

        async Task RunAsync((string Id, long Cost) request, int index)
        {
            if (index == 40)
            {
                await _cluster.KillSiloAsync(host);
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
    }

    private async Task<(string TenantId, InProcessSiloHandle Host)> TenantOffThePrimarySiloAsync(long credits)
    {
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        for (var i = 0; ; i++)
        {
            var id = $"tn_crash{i}";
            await _cluster.Client.GetGrain<ITenantGrain>(id).Create("crash", new TenantLimits(100_000, 100_000), credits);
            var stats = await management.GetDetailedGrainStatistics();
            var silo = stats.Single(s => s.GrainId.ToString().EndsWith(id, StringComparison.Ordinal) && s.GrainType.Contains("TenantGrain", StringComparison.Ordinal)).SiloAddress;
            var handle = _cluster.Silos.Single(s => s.SiloAddress.Equals(silo));
            if (handle != _cluster.Silos[0])
            {
                return (id, handle);
            }
        }
    }
}
