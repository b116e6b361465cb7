using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tests.Support;

namespace ClipGrains.Grains.Tests.Tenancy;

[Trait("Category", "cluster")]
[Collection(TenancyClusterGroup.Name)]
public sealed class TenantGrainTests(TenancyClusterFixture fixture)
{
    private static readonly TenantLimits Unlimited = new(1_000_000, 1_000_000);

    private async Task<ITenantGrain> NewTenantAsync(long credits, TenantLimits? limits = null)
    {
        var tenant = fixture.Cluster.Client.GetGrain<ITenantGrain>("tn_" + Guid.NewGuid().ToString("N"));
        Assert.True(await tenant.Create("test", limits ?? Unlimited, credits));
        return tenant;
    }

    private static Admission Cost(long credits, int images = 0) => new(Guid.NewGuid().ToString("N"), images, credits);

    private static async Task AssertInvariantAsync(ITenantGrain tenant, long initial, long committed)
    {
        var info = (await tenant.GetInfo())!;
        Assert.True(info.Balance >= 0);
        Assert.Equal(initial - committed, info.Balance + info.Reserved);
    }

    [Fact]
    public async Task Ten_times_n_concurrent_reservations_of_one_credit_admit_exactly_n()
    {
        const int n = 25;
        var tenant = await NewTenantAsync(n);

        var results = await Task.WhenAll(Enumerable.Range(0, 10 * n).Select(_ => tenant.Admit(Cost(1))));

        Assert.Equal(n, results.Count(r => r.Outcome == AdmissionOutcome.Admitted));
        Assert.All(results.Where(r => r.Outcome != AdmissionOutcome.Admitted), r => Assert.Equal(AdmissionOutcome.InsufficientCredits, r.Outcome));
        Assert.Equal(0, (await tenant.GetInfo())!.Balance);
    }

    [Fact]
    public async Task Random_costs_never_overdraw_and_the_ledger_always_balances()
    {
        var random = new Random(20261126);
        for (var round = 0; round < 8; round++)
        {
            var initial = random.Next(50, 300);
            var tenant = await NewTenantAsync(initial);
            var admissions = Enumerable.Range(0, 60).Select(_ => Cost(random.Next(1, 25))).ToList();

            var results = await Task.WhenAll(admissions.Select(tenant.Admit));

            var admitted = admissions.Where((_, i) => results[i].Outcome == AdmissionOutcome.Admitted).ToList();
            Assert.True(admitted.Sum(a => a.Credits) <= initial);
            Assert.Equal(initial - admitted.Sum(a => a.Credits), (await tenant.GetInfo())!.Balance);

            long committed = 0;
            foreach (var a in admitted)
            {
                var commit = random.Next(2) == 0;
                var actual = random.Next(0, (int)a.Credits + 1);
                await tenant.Settle(new Settlement(a.ReservationId, commit, actual, 0, 0));
                committed += commit ? actual : 0;
            }

            await AssertInvariantAsync(tenant, initial, committed);
            Assert.Equal(0, (await tenant.GetInfo())!.Reserved);
        }
    }

    [Fact]
    public async Task Admitting_or_settling_the_same_reservation_twice_counts_once()
    {
        var tenant = await NewTenantAsync(100);
        var admission = Cost(30);

        await tenant.Admit(admission);
        await tenant.Admit(admission);
        Assert.Equal(70, (await tenant.GetInfo())!.Balance);

        await tenant.Settle(new Settlement(admission.ReservationId, true, 30, 1, 0));
        await tenant.Settle(new Settlement(admission.ReservationId, true, 30, 1, 0));
        Assert.Equal(70, (await tenant.GetInfo())!.Balance);
        Assert.Equal(30, (await UsageLogs.RecordsAsync(fixture.Cluster, tenant.GetPrimaryKeyString())).Single().Credits);
    }

    [Fact]
    public async Task A_settled_id_is_remembered_for_the_reservation_timeout_and_then_forgotten()
    {
        // Remembered (in the activation's memory, not its stored state) for as long as any retry of its request can come;
        // forgotten after, so nothing grows with a day's request count.
        var tenant = await NewTenantAsync(100);
        var admission = Cost(30);
        await tenant.Admit(admission);
        await tenant.Settle(new Settlement(admission.ReservationId, true, 30, 1, 0));

        fixture.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await tenant.Admit(admission);
        Assert.Equal(70, (await tenant.GetInfo())!.Balance);

        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        await tenant.Admit(admission);
        Assert.Equal(40, (await tenant.GetInfo())!.Balance);
    }

    [Fact]
    public async Task Commit_charges_at_most_what_was_reserved_and_releases_the_rest()
    {
        var tenant = await NewTenantAsync(100);
        var admission = Cost(40);
        await tenant.Admit(admission);

        var balance = await tenant.Settle(new Settlement(admission.ReservationId, true, 25, 2, 5));

        Assert.Equal(75, balance);
        var usage = (await UsageLogs.RecordsAsync(fixture.Cluster, tenant.GetPrimaryKeyString())).Single();
        Assert.Equal((admission.ReservationId, 2, 5, 25L), (usage.Id, usage.Images, usage.Texts, usage.Credits));
    }

    [Fact]
    public async Task Each_commit_refusal_and_stored_response_becomes_one_usage_record_with_what_was_decided()
    {
        var tenant = await NewTenantAsync(100);
        async Task<string> SettleAsync(long reserve, Settlement settlement)
        {
            var admission = Cost(reserve);
            await tenant.Admit(admission);
            await tenant.Settle(settlement with { ReservationId = admission.ReservationId });
            return admission.ReservationId;
        }

        var committed = await SettleAsync(10, new Settlement("", true, 15, 2, 0, Model: "tiny", KeyId: "k1", Route: "createEmbedding"));
        var refused = await SettleAsync(5, new Settlement("", false, 0, 0, 0, Refused: true, DecodeMilliseconds: 7, Model: "tiny", KeyId: "k2", Route: "createClassification"));
        await SettleAsync(5, new Settlement("", false, 0, 0, 0, Model: "tiny", KeyId: "k1", Route: "createEmbedding"));
        var stored = await SettleAsync(3, new Settlement("", true, 3, 0, 3, StoredResponseBytes: 120, Model: "tiny-int8", KeyId: "k1", Route: "createEmbedding"));

        var records = (await UsageLogs.RecordsAsync(fixture.Cluster, tenant.GetPrimaryKeyString())).ToDictionary(r => r.Id);
        Assert.Equal(3, records.Count); // The plain refund is not usage.
        var now = fixture.Clock.GetUtcNow();
        var tenantId = tenant.GetPrimaryKeyString();
        Assert.Equal(new UsageRecord(committed, tenantId, "k1", "tiny", "createEmbedding", 2, 0, 10, now), records[committed]); // Charged at most what was reserved.
        Assert.Equal(new UsageRecord(refused, tenantId, "k2", "tiny", "createClassification", 0, 0, 0, now, Refused: true, DecodeMilliseconds: 7), records[refused]);
        Assert.Equal(new UsageRecord(stored, tenantId, "k1", "tiny-int8", "createEmbedding", 0, 3, 3, now, StoredBytes: 120), records[stored]);
        Assert.Equal(87, (await tenant.GetInfo())!.Balance);
    }

    [Fact]
    public async Task Unsettled_reservations_expire_and_are_refunded()
    {
        var tenant = await NewTenantAsync(100);
        var admission = Cost(60);
        await tenant.Admit(admission);
        Assert.Equal((40L, 60L), ((await tenant.GetInfo())!.Balance, (await tenant.GetInfo())!.Reserved));

        fixture.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.Equal((100L, 0L), ((await tenant.GetInfo())!.Balance, (await tenant.GetInfo())!.Reserved));
        Assert.Equal(100, await tenant.Settle(new Settlement(admission.ReservationId, true, 60, 0, 0)));
        Assert.Equal(AdmissionOutcome.Admitted, (await tenant.Admit(Cost(100))).Outcome);
    }

    [Fact]
    public async Task Rate_limits_are_exact_across_two_silos()
    {
        var id = "tn_" + Guid.NewGuid().ToString("N");
        await fixture.Silo(0).GetGrain<ITenantGrain>(id).Create("rl", new TenantLimits(10, 1000), 1_000_000);
        var fromSilos = new[] { fixture.Silo(0).GetGrain<ITenantGrain>(id), fixture.Silo(1).GetGrain<ITenantGrain>(id) };

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => fromSilos[i % 2].Admit(Cost(1))));

        Assert.Equal(10, results.Count(r => r.Outcome == AdmissionOutcome.Admitted));
        var refused = results.First(r => r.Outcome == AdmissionOutcome.RateLimited);
        Assert.Equal(TimeSpan.FromSeconds(6), refused.RetryAfter);
        Assert.Equal(0, refused.Requests!.Remaining);
        fixture.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(AdmissionOutcome.Admitted, (await fromSilos[1].Admit(Cost(1))).Outcome);
        Assert.Equal(AdmissionOutcome.RateLimited, (await fromSilos[0].Admit(Cost(1))).Outcome);
    }

    [Fact]
    public async Task Image_limit_counts_images_and_refuses_a_request_larger_than_the_limit()
    {
        var tenant = await NewTenantAsync(1_000_000, new TenantLimits(1000, 8));

        Assert.Equal(AdmissionOutcome.Admitted, (await tenant.Admit(Cost(1, images: 5))).Outcome);
        var over = await tenant.Admit(Cost(1, images: 5));
        var never = await tenant.Admit(Cost(1, images: 9));

        Assert.Equal(AdmissionOutcome.RateLimited, over.Outcome);
        Assert.Equal(3, over.Images!.Remaining);
        Assert.Equal(AdmissionOutcome.RateLimited, never.Outcome);
        Assert.Null(never.RetryAfter);
        Assert.Equal("The request has 9 images; the limit is 8 per minute.", never.Message);
    }

    [Fact]
    public async Task A_refused_request_changes_neither_balance_nor_limits()
    {
        var tenant = await NewTenantAsync(10, new TenantLimits(2, 100));

        Assert.Equal(AdmissionOutcome.InsufficientCredits, (await tenant.Admit(Cost(11))).Outcome);
        Assert.Equal(AdmissionOutcome.Admitted, (await tenant.Admit(Cost(5))).Outcome);
        Assert.Equal(AdmissionOutcome.Admitted, (await tenant.Admit(Cost(5))).Outcome);
        Assert.Equal(0, (await tenant.GetInfo())!.Balance);
    }

    [Fact]
    public async Task Top_ups_apply_once_per_key_and_a_reused_key_with_another_amount_conflicts()
    {
        var tenant = await NewTenantAsync(0);

        var first = await tenant.TopUp("k1", 500, "invoice 7");
        var replay = await tenant.TopUp("k1", 500, "invoice 7");
        var conflict = await tenant.TopUp("k1", 900, "invoice 7");

        Assert.Equal((true, false, 500L), (first.Applied, first.Conflict, first.Balance));
        Assert.Equal((false, false, 500L), (replay.Applied, replay.Conflict, replay.Balance));
        Assert.Equal((false, true, 500L), (conflict.Applied, conflict.Conflict, conflict.Balance));
    }

    [Fact]
    public async Task A_top_up_that_would_overflow_the_balance_is_refused_and_changes_nothing()
    {
        var tenant = await NewTenantAsync(long.MaxValue - 10);
        var admitted = await tenant.Admit(Cost(5));

        var refused = await tenant.TopUp("k1", 11, "would wrap");
        var fits = await tenant.TopUp("k2", 10, "fits exactly");

        Assert.Equal(AdmissionOutcome.Admitted, admitted.Outcome);
        Assert.Equal((false, true, long.MaxValue - 15), (refused.Applied, refused.Overflow, refused.Balance));
        Assert.Equal((true, false, long.MaxValue - 5), (fits.Applied, fits.Overflow, fits.Balance));
        Assert.True((await tenant.TopUp("k3", 1, "over")).Overflow);
        var info = (await tenant.GetInfo())!;
        Assert.Equal(long.MaxValue, info.Balance + info.Reserved);
    }

    [Fact]
    public async Task Keys_authenticate_only_with_their_secret_and_stop_at_once_everywhere_when_revoked()
    {
        var tenant = await NewTenantAsync(10);
        var (keyId, key) = (await tenant.CreateKey("ci"))!.Value;
        Assert.True(ApiKeyMaterial.TryParse(key, out var parsedId, out var secret));
        Assert.Equal(keyId, parsedId);
        var tenantId = tenant.GetPrimaryKeyString();

        Assert.Equal(tenantId, (await fixture.Silo(0).GetGrain<IApiKeyGrain>(keyId).Authenticate(ApiKeyMaterial.Hash(secret))).Tenant);
        Assert.Null((await fixture.Silo(1).GetGrain<IApiKeyGrain>(keyId).Authenticate(ApiKeyMaterial.Hash(secret + "x"))).Tenant);
        Assert.False(await fixture.Silo(1).GetGrain<IApiKeyGrain>(keyId).Revoke("tn_someone_else"));

        Assert.True(await fixture.Silo(1).GetGrain<IApiKeyGrain>(keyId).Revoke(tenantId));

        Assert.Null((await fixture.Silo(0).GetGrain<IApiKeyGrain>(keyId).Authenticate(ApiKeyMaterial.Hash(secret))).Tenant);
        Assert.Null((await fixture.Silo(1).GetGrain<IApiKeyGrain>(keyId).Authenticate(ApiKeyMaterial.Hash(secret))).Tenant);

        // Before the revocation returned, every silo's verdict cache was told to forget the key.
        Assert.Contains(keyId, fixture.Forgotten(0));
        Assert.Contains(keyId, fixture.Forgotten(1));
    }

    [Fact]
    public async Task Suspension_refuses_keys_and_admissions_until_resumed()
    {
        var tenant = await NewTenantAsync(100);
        var (keyId, key) = (await tenant.CreateKey("app"))!.Value;
        Assert.True(ApiKeyMaterial.TryParse(key, out _, out var secret));

        Assert.DoesNotContain(keyId, fixture.Forgotten(0));
        await tenant.SetSuspended(true);
        Assert.Contains(keyId, fixture.Forgotten(0));
        Assert.Contains(keyId, fixture.Forgotten(1));
        Assert.Null((await fixture.Silo(1).GetGrain<IApiKeyGrain>(keyId).Authenticate(ApiKeyMaterial.Hash(secret))).Tenant);
        Assert.Equal(AdmissionOutcome.Refused, (await tenant.Admit(Cost(1))).Outcome);

        await tenant.SetSuspended(false);
        Assert.NotNull((await fixture.Silo(0).GetGrain<IApiKeyGrain>(keyId).Authenticate(ApiKeyMaterial.Hash(secret))).Tenant);
        Assert.Equal(AdmissionOutcome.Admitted, (await tenant.Admit(Cost(1))).Outcome);
    }

    [Fact]
    public async Task Key_material_has_the_documented_shape()
    {
        var key = ApiKeyMaterial.Format(ApiKeyMaterial.NewKeyId(), ApiKeyMaterial.NewSecret());

        Assert.Matches("^cg_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$", key);
        Assert.False(ApiKeyMaterial.TryParse(key[..^1], out _, out _));
        Assert.False(ApiKeyMaterial.TryParse("sk-" + key[3..], out _, out _));
        Assert.NotEqual(ApiKeyMaterial.NewSecret(), ApiKeyMaterial.NewSecret());
    }
}
