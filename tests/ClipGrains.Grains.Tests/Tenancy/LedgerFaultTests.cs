using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Storage;
using ClipGrains.Grains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace ClipGrains.Grains.Tests.Tenancy;

/// <summary>Destructive: its own cluster, whose ledger storage fails on demand.</summary>
[Trait("Category", "cluster")]
public sealed class LedgerFaultTests : IAsyncLifetime
{
    private OwnCluster _own = null!;

    private InProcessTestCluster Cluster => _own.Cluster;

    private FaultyStorage Storage => (FaultyStorage)Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(ClipGrainsStorage.Name);

    public async Task InitializeAsync() => _own = await OwnCluster.StartAsync(1, (silo, database) =>
        silo.Services.AddGrainStorage(ClipGrainsStorage.Name, (sp, _) => new FaultyStorage(
            new SqliteGrainStorage(new SqliteDatabase(Options.Create(new SqliteGrainStorageOptions { DatabasePath = database })), sp.GetRequiredService<Serializer>()),
            faultyStateName: "tenant")));

    public async Task DisposeAsync() => await _own.DisposeAsync();

    [Fact]
    public async Task A_failed_ledger_write_fails_the_call_leaves_nothing_behind_and_a_retry_applies_once()
    {
        var tenant = Cluster.Client.GetGrain<ITenantGrain>("tn_faults");
        await tenant.Create("faults", new TenantLimits(1000, 1000), 100);
        var admission = new Admission("r-1", 0, 30);

        Storage.FailWrites = true;
        await Assert.ThrowsAnyAsync<Exception>(() => tenant.Admit(admission));
        await Assert.ThrowsAnyAsync<Exception>(() => tenant.TopUp("top-1", 50, "x"));

        var afterFault = await tenant.GetInfo();
        Assert.Equal((100L, 0L), (afterFault!.Balance, afterFault.Reserved));

        Storage.FailWrites = false;
        Assert.Equal(AdmissionOutcome.Admitted, (await tenant.Admit(admission)).Outcome);
        Assert.Equal(AdmissionOutcome.Admitted, (await tenant.Admit(admission)).Outcome);
        Assert.True((await tenant.TopUp("top-1", 50, "x")).Applied);
        Assert.False((await tenant.TopUp("top-1", 50, "x")).Applied);
        var final = await tenant.GetInfo();
        Assert.Equal((120L, 30L), (final!.Balance, final.Reserved));
    }

    [Fact]
    public async Task A_failed_settlement_keeps_the_reservation_until_a_retry_settles_it_once()
    {
        var tenant = Cluster.Client.GetGrain<ITenantGrain>("tn_settle");
        await tenant.Create("settle", new TenantLimits(1000, 1000), 100);
        await tenant.Admit(new Admission("r-2", 0, 40));

        Storage.FailWrites = true;
        await Assert.ThrowsAnyAsync<Exception>(() => tenant.Settle(new Settlement("r-2", true, 40, 0, 0)));
        Assert.Equal((60L, 40L), ((await tenant.GetInfo())!.Balance, (await tenant.GetInfo())!.Reserved));

        Storage.FailWrites = false;
        await tenant.Settle(new Settlement("r-2", true, 40, 0, 0));
        await tenant.Settle(new Settlement("r-2", true, 40, 0, 0));
        Assert.Equal((60L, 0L), ((await tenant.GetInfo())!.Balance, (await tenant.GetInfo())!.Reserved));
        Assert.Equal(40, (await UsageLogs.RecordsAsync(Cluster, "tn_settle")).Single().Credits);
    }
}
