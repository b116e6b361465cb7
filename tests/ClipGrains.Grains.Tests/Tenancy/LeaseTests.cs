using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClipGrains.Grains.Tests.Tenancy;

/// <summary>The ledger's side of credit leases, driven as silos would drive it, on the shared cluster's fake clock.</summary>
[Trait("Category", "cluster")]
[Collection(TenancyClusterGroup.Name)]
public sealed class LeaseTests(TenancyClusterFixture fixture)
{
    private async Task<ITenantGrain> NewTenantAsync(long credits, int requestsPerMinute = 1_000_000, int imagesPerMinute = 1_000_000)
    {
        var tenant = fixture.Cluster.Client.GetGrain<ITenantGrain>("tn_" + Guid.NewGuid().ToString("N"));
        Assert.True(await tenant.Create("lease", new TenantLimits(requestsPerMinute, imagesPerMinute), credits));
        return tenant;
    }

    // Everything the tenant was given is in exactly one place: available, held by requests, held by leases, or spent.
    private static async Task AssertCreditsAccountedAsync(ITenantGrain tenant, long initial, long spent)
    {
        var info = (await tenant.GetInfo())!;
        Assert.True(info.Balance >= 0, $"balance {info.Balance}");
        Assert.Equal(initial, info.Balance + info.Reserved + info.Leased + spent);
    }

    [Fact]
    public async Task A_grant_leaves_the_balance_reports_commit_and_a_release_returns_the_rest()
    {
        var tenant = await NewTenantAsync(10_000);

        var first = await tenant.Lease(new LeaseRequest("silo-a", 0, 0, 400, 50, 10));
        Assert.Equal((400L, 50, 10), (first.Credits, first.Requests, first.Images));
        Assert.Equal((9_600L, 400L), ((await tenant.GetInfo())!.Balance, (await tenant.GetInfo())!.Leased));

        var renewed = await tenant.Lease(new LeaseRequest("silo-a", first.LeaseId, 150, 400, 50, 10));
        Assert.Equal(first.LeaseId, renewed.LeaseId);
        await AssertCreditsAccountedAsync(tenant, 10_000, spent: 150);
        Assert.Equal(650, (await tenant.GetInfo())!.Leased);

        var released = await tenant.Lease(new LeaseRequest("silo-a", first.LeaseId, 40, 0, 0, 0, Release: true));
        Assert.Equal(0, released.LeaseId);
        Assert.Equal((9_810L, 0L), ((await tenant.GetInfo())!.Balance, (await tenant.GetInfo())!.Leased));
        await AssertCreditsAccountedAsync(tenant, 10_000, spent: 190);
    }

    [Fact]
    public async Task A_nearly_exhausted_balance_is_not_leased_so_the_ledger_admits_the_last_credits_exactly()
    {
        var tenant = await NewTenantAsync(100);

        var grant = await tenant.Lease(new LeaseRequest("silo-a", 0, 0, 50, 5, 0));

        Assert.Equal(0, grant.Credits);
        Assert.Equal(100, (await tenant.GetInfo())!.Balance);
        var admissions = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => tenant.Admit(new Admission($"r{i}", 1, 10))));
        Assert.Equal(10, admissions.Count(a => a.Outcome == AdmissionOutcome.Admitted));
    }

    [Fact]
    public async Task Tokens_come_out_of_the_limiter_so_two_silos_together_never_exceed_the_limit()
    {
        var tenant = await NewTenantAsync(1_000_000, requestsPerMinute: 100, imagesPerMinute: 40);

        var a = await tenant.Lease(new LeaseRequest("silo-a", 0, 0, 1_000, 80, 30));
        var b = await tenant.Lease(new LeaseRequest("silo-b", 0, 0, 1_000, 80, 30));

        Assert.Equal((80, 30), (a.Requests, a.Images));
        Assert.Equal((20, 10), (b.Requests, b.Images));
        Assert.Equal(AdmissionOutcome.RateLimited, (await tenant.Admit(new Admission("over", 0, 1))).Outcome);

        // The limiter refills as time passes: a renewal a minute later gets tokens again.
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(80, (await tenant.Lease(new LeaseRequest("silo-a", a.LeaseId, 0, 1_000, 80, 0))).Requests);
    }

    [Fact]
    public async Task A_lease_whose_silo_died_is_reclaimed_less_what_the_usage_log_shows_spent_under_it()
    {
        const long Initial = 10_000;
        var tenant = await NewTenantAsync(Initial);
        var tenantId = tenant.GetPrimaryKeyString();
        var grant = await tenant.Lease(new LeaseRequest("silo-dead", 0, 0, 500, 100, 0));
        var other = await tenant.Lease(new LeaseRequest("silo-alive", 0, 0, 100, 10, 0));

        // The dead silo settled three requests under its lease: two reached the log, the third it never wrote.
        var log = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IUsageLog>();
        var at = fixture.Clock.GetUtcNow();
        await log.AppendAsync(new UsageRecord("dead-1", tenantId, "k", "m", "createEmbedding", 0, 10, 10, at, Lease: grant.LeaseId));
        await log.AppendAsync(new UsageRecord("dead-2", tenantId, "k", "m", "createEmbedding", 0, 25, 25, at, Lease: grant.LeaseId));
        await log.FlushAsync();
        const long Unwritten = 40;

        // Nothing is taken back while requests admitted under it may still be running.
        fixture.Clock.Advance(TimeSpan.FromSeconds(5 + 39));
        await tenant.Lease(new LeaseRequest("silo-alive", other.LeaseId, 0, 0, 0, 0));
        Assert.Equal(600, (await tenant.GetInfo())!.Leased);

        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        await tenant.Lease(new LeaseRequest("silo-alive", other.LeaseId, 0, 0, 0, 0));

        var info = (await tenant.GetInfo())!;
        Assert.Equal(100, info.Leased); // Only the live silo's lease is left.
        await AssertCreditsAccountedAsync(tenant, Initial, spent: 35);

        // The discrepancy against what the dead silo really served is the unwritten request, and it is the provider's.
        var served = 10 + 25 + Unwritten;
        Assert.Equal(Unwritten, served - 35);
        Assert.True(info.Balance >= 0);
    }

    [Fact]
    public async Task A_reclaimed_lease_whose_reports_exceed_the_usage_log_charges_what_the_log_shows()
    {
        const long Initial = 10_000;
        var tenant = await NewTenantAsync(Initial);
        var tenantId = tenant.GetPrimaryKeyString();
        var grant = await tenant.Lease(new LeaseRequest("silo-killed", 0, 0, 500, 100, 0));

        // The silo reported 60 spent, but died (kill -9) before writing the last 25 of it to the log.
        await tenant.Lease(new LeaseRequest("silo-killed", grant.LeaseId, 60, 0, 0, 0));
        var log = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IUsageLog>();
        await log.AppendAsync(new UsageRecord("killed-1", tenantId, "k", "m", "createEmbedding", 0, 35, 35, fixture.Clock.GetUtcNow(), Lease: grant.LeaseId));
        await log.FlushAsync();
        await AssertCreditsAccountedAsync(tenant, Initial, spent: 60);

        fixture.Clock.Advance(TimeSpan.FromSeconds(5 + 40));
        await tenant.Admit(new Admission("tick", 0, 0)); // Any ledger call reclaims lapsed leases.

        Assert.Equal(0, (await tenant.GetInfo())!.Leased);
        await AssertCreditsAccountedAsync(tenant, Initial, spent: 35);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lowering_a_limit_or_suspending_takes_back_the_tokens_every_silo_holds_before_the_call_returns(bool suspend)
    {
        var tenant = await NewTenantAsync(1_000_000);
        var id = tenant.GetPrimaryKeyString();
        var leases = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<ClipGrains.Grains.Tenancy.Leases.SiloLeases>();
        var charge = new Charge(0, 1, 1);

        // Busy enough on silo 0 to ask for a lease; once granted, requests are admitted there with no ledger call.
        for (var i = 0; i < 30 && leases.TryAdmit(id, charge, out _) is null; i++)
        {
        }

        await leases.RefillsAsync();
        var ticket = leases.TryAdmit(id, charge, out _);
        Assert.NotNull(ticket);
        await leases.SettleAsync(ticket, new UsageRecord("t-" + id, id, "k", "m", "createEmbedding", 0, 0, 0, fixture.Clock.GetUtcNow()));

        if (suspend)
        {
            await tenant.SetSuspended(true);
        }
        else
        {
            await tenant.SetLimits(new TenantLimits(10, 10));
        }

        // The next request goes to the ledger, which decides under the new terms.
        Assert.Null(leases.TryAdmit(id, charge, out _));
        await leases.RefillsAsync();
        var renewed = leases.TryAdmit(id, charge, out var limits);
        if (suspend)
        {
            Assert.Null(renewed);
        }
        else
        {
            Assert.NotNull(renewed);
            Assert.Equal(10, limits.Requests!.Limit);
            await leases.SettleAsync(renewed, new UsageRecord("r-" + id, id, "k", "m", "createEmbedding", 0, 0, 0, fixture.Clock.GetUtcNow()));
        }

        await leases.ReleaseAllAsync();
    }

    [Fact]
    public async Task A_report_for_a_lease_that_ended_is_not_counted_again()
    {
        var tenant = await NewTenantAsync(10_000);
        var first = await tenant.Lease(new LeaseRequest("silo-a", 0, 0, 300, 10, 0));
        fixture.Clock.Advance(TimeSpan.FromSeconds(5 + 40));
        await tenant.Admit(new Admission("tick", 0, 0)); // Any ledger call reclaims lapsed leases.

        var next = await tenant.Lease(new LeaseRequest("silo-a", first.LeaseId, 120, 300, 10, 0));

        Assert.NotEqual(first.LeaseId, next.LeaseId);
        await AssertCreditsAccountedAsync(tenant, 10_000, spent: 0);
    }
}
