using Utf8 = System.Text.Encoding;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tenancy;
using ClipGrains.Grains.Tenancy.Leases;
using ClipGrains.Grains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tests.Tenancy;

/// <summary>Every outcome of the money path, driven through the meter on the shared tenancy cluster's fake clock.</summary>
[Trait("Category", "cluster")]
[Collection(TenancyClusterGroup.Name)]
public sealed class TenantMeterTests(TenancyClusterFixture fixture)
{
    private static readonly TenantLimits Unlimited = new(1_000_000, 1_000_000);
    private static readonly Charge Estimate = new(2, 3, 23, "tiny");

    private IServiceProvider Silo => fixture.Cluster.Silos[0].ServiceProvider;

    // A meter of its own per test: the ledger is the cluster's; leases, remembered refusals and limits are this meter's.
    private (TenantMeter Meter, SiloLeases Leases) NewMeter(bool leases = false, int maxStoredBytes = 1024 * 1024)
    {
        var (meter, siloLeases, _) = NewProbedMeter(leases, maxStoredBytes);
        return (meter, siloLeases);
    }

    private (TenantMeter Meter, SiloLeases Leases, AdmissionProbe Probe) NewProbedMeter(bool leases = false, int maxStoredBytes = 1024 * 1024)
    {
        var grains = Silo.GetRequiredService<IGrainFactory>();
        var siloLeases = new SiloLeases(
            grains, Silo.GetRequiredService<IUsageLog>(), Options.Create(new LeaseOptions { Enabled = leases, MinRequestsPerSecond = 1 }), fixture.Clock,
            NullLogger<SiloLeases>.Instance);
        var refusals = new RecentRefusals(fixture.Clock);
        var probe = new AdmissionProbe(grains, refusals, siloLeases, fixture.Clock);
        var meter = new TenantMeter(
            grains, siloLeases, refusals, probe, Options.Create(new TenantMeterOptions { MaxStoredResponseBytes = maxStoredBytes }),
            Silo.GetRequiredService<ClipGrainsTelemetry>(), fixture.Clock);
        return (meter, siloLeases, probe);
    }

    private async Task<(string Id, ITenantGrain Grain)> NewTenantAsync(long credits, TenantLimits? limits = null)
    {
        var id = "tn_" + Guid.NewGuid().ToString("N");
        var tenant = fixture.Cluster.Client.GetGrain<ITenantGrain>(id);
        Assert.True(await tenant.Create("meter", limits ?? Unlimited, credits));
        return (id, tenant);
    }

    private static MeteredRequest Request(string tenant, string? idempotencyKey = null, string canonical = "body") =>
        new(tenant, "key_1", "createClassification", Estimate) { IdempotencyKey = idempotencyKey, Operation = "POST /v1/classifications", Canonical = () => canonical };

    // Work that used `actual` and answers with the credits it was charged.
    private static Func<MeterTicket, Task<MeteredWork>> Work(Charge actual, Action? ran = null) => _ =>
    {
        ran?.Invoke();
        return Task.FromResult(MeteredWork.Done(200, credits => Utf8.UTF8.GetBytes($"charged {credits}"), actual));
    };

    private static string Text(MeterOutcome outcome) => Utf8.UTF8.GetString(outcome.Body);

    [Fact]
    public async Task An_admitted_request_is_charged_what_it_computed_up_to_the_estimate_and_logged_once()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(100);

        var outcome = await meter.RunAsync(Request(id), Work(new Charge(1, 3, 13, "tiny")));

        Assert.Equal((MeterVerdict.Answered, 200, "charged 13"), (outcome.Verdict, outcome.Status, Text(outcome)));
        Assert.Equal(AdmissionOutcome.Admitted, outcome.Admission!.Outcome);
        Assert.Equal(1_000_000, outcome.Admission.Requests!.Limit);
        var info = (await tenant.GetInfo())!;
        Assert.Equal((87L, 0L), (info.Balance, info.Reserved));
        var record = Assert.Single(await UsageLogs.RecordsAsync(fixture.Cluster, id));
        Assert.Equal((13L, 1, 3, "tiny", "key_1", "createClassification", 0L), (record.Credits, record.Images, record.Texts, record.Model, record.KeyId, record.Route, record.Lease));
    }

    [Fact]
    public async Task Work_that_used_more_than_its_estimate_is_charged_the_estimate()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(100);

        var outcome = await meter.RunAsync(Request(id), Work(new Charge(9, 9, 999, "tiny")));

        Assert.Equal("charged 23", Text(outcome));
        Assert.Equal(77, (await tenant.GetInfo())!.Balance);
    }

    [Fact]
    public async Task Too_few_credits_refuses_before_any_work_and_reserves_nothing()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(22);
        var ran = false;

        var outcome = await meter.RunAsync(Request(id), Work(Estimate, () => ran = true));

        Assert.Equal(MeterVerdict.NotAdmitted, outcome.Verdict);
        Assert.Equal(AdmissionOutcome.InsufficientCredits, outcome.Admission!.Outcome);
        Assert.Equal("The request costs 23 credits; the balance is 22.", outcome.Admission.Message);
        Assert.False(ran);
        Assert.Equal((22L, 0L), ((await tenant.GetInfo())!.Balance, (await tenant.GetInfo())!.Reserved));

        // A balance above zero might still pay for a cheaper request: nothing is remembered against the tenant.
        Assert.Null(meter.RecentRefusal(id));
    }

    [Fact]
    public async Task An_empty_balance_is_remembered_for_at_most_a_second_and_forgotten_at_a_top_up()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(0);

        Assert.Equal(MeterVerdict.NotAdmitted, (await meter.RunAsync(Request(id), Work(Estimate))).Verdict);

        Assert.Equal(AdmissionOutcome.InsufficientCredits, meter.RecentRefusal(id)!.Outcome);
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.NotNull(meter.RecentRefusal(id));
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(meter.RecentRefusal(id));

        // The silo's own meter hears of a top-up at once (the ledger pushes it to every silo).
        var silo = Silo.GetRequiredService<ITenantMeter>();
        Assert.Equal(MeterVerdict.NotAdmitted, (await silo.RunAsync(Request(id), Work(Estimate))).Verdict);
        Assert.NotNull(silo.RecentRefusal(id));
        await tenant.TopUp("top-up-1", 100, "test");
        Assert.Null(silo.RecentRefusal(id));
        Assert.Equal(MeterVerdict.Answered, (await silo.RunAsync(Request(id), Work(Estimate))).Verdict);
    }

    [Fact]
    public async Task Before_any_body_a_burst_of_a_tenant_with_an_empty_balance_is_refused_by_one_shared_probe_of_its_ledger()
    {
        var (meter, _, probe) = NewProbedMeter();
        var (id, _) = await NewTenantAsync(0);

        var burst = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => meter.RefusalBeforeBodyAsync(id).AsTask()));

        Assert.All(burst, refused => Assert.Equal((AdmissionOutcome.InsufficientCredits, 0L), (refused!.Outcome, refused.Balance)));
        Assert.Equal("The balance is 0 credits.", burst[0]!.Message);
        Assert.Equal(1, probe.Probes);

        // Remembered like any refusal: the next second's requests cost no call.
        Assert.Equal(AdmissionOutcome.InsufficientCredits, (await meter.RefusalBeforeBodyAsync(id))!.Outcome);
        Assert.Equal(1, probe.Probes);
    }

    [Fact]
    public async Task A_tenant_that_can_be_admitted_is_probed_at_most_once_a_second_and_not_while_the_ledger_admits_it_here()
    {
        var (meter, _, probe) = NewProbedMeter();
        var (id, _) = await NewTenantAsync(100);

        Assert.Null(await meter.RefusalBeforeBodyAsync(id));
        Assert.Null(await meter.RefusalBeforeBodyAsync(id));
        Assert.Equal(1, probe.Probes);

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await meter.RefusalBeforeBodyAsync(id));
        Assert.Equal(2, probe.Probes);

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(MeterVerdict.Answered, (await meter.RunAsync(Request(id), Work(Estimate))).Verdict);
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Null(await meter.RefusalBeforeBodyAsync(id));
        Assert.Equal(2, probe.Probes);
    }

    [Fact]
    public async Task The_probe_refuses_a_suspended_tenant_and_a_spent_request_limit_without_taking_a_token()
    {
        var (meter, _, probe) = NewProbedMeter();
        var (suspended, suspendedGrain) = await NewTenantAsync(1_000);
        await suspendedGrain.SetSuspended(true);
        var (limited, limitedGrain) = await NewTenantAsync(1_000, new TenantLimits(2, 1_000));

        Assert.Equal(AdmissionOutcome.Refused, (await meter.RefusalBeforeBodyAsync(suspended))!.Outcome);

        // Probing takes nothing: both requests of a 2/min limit are still admitted after it.
        Assert.Null(await meter.RefusalBeforeBodyAsync(limited));
        Assert.Equal(MeterVerdict.Answered, (await meter.RunAsync(Request(limited), Work(Estimate))).Verdict);
        Assert.Equal(MeterVerdict.Answered, (await meter.RunAsync(Request(limited), Work(Estimate))).Verdict);
        probe.Forget(limited);
        var spent = await meter.RefusalBeforeBodyAsync(limited);
        Assert.Equal((AdmissionOutcome.RateLimited, TimeSpan.FromSeconds(30)), (spent!.Outcome, spent.RetryAfter));
        Assert.Equal(1_000 - (2 * Estimate.Credits), (await limitedGrain.GetInfo())!.Balance);
    }

    [Fact]
    public async Task A_spent_request_limit_refuses_with_its_retry_time_and_is_remembered_counting_down()
    {
        var (meter, _) = NewMeter();
        var (id, _) = await NewTenantAsync(1_000, new TenantLimits(1, 1_000));

        Assert.Equal(MeterVerdict.Answered, (await meter.RunAsync(Request(id), Work(Estimate))).Verdict);
        var refused = await meter.RunAsync(Request(id), Work(Estimate));

        Assert.Equal(MeterVerdict.NotAdmitted, refused.Verdict);
        Assert.Equal(AdmissionOutcome.RateLimited, refused.Admission!.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(1), refused.Admission.RetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(1), meter.RecentRefusal(id)!.RetryAfter);
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(TimeSpan.FromMilliseconds(59_600), meter.RecentRefusal(id)!.RetryAfter);
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Null(meter.RecentRefusal(id));
    }

    [Fact]
    public async Task A_request_with_more_images_than_the_limit_is_refused_but_smaller_ones_are_not_held_back()
    {
        var (meter, _) = NewMeter();
        var (id, _) = await NewTenantAsync(1_000, new TenantLimits(1_000, 1));

        var refused = await meter.RunAsync(Request(id), Work(Estimate));

        Assert.Equal(AdmissionOutcome.RateLimited, refused.Admission!.Outcome);
        Assert.Null(refused.Admission.RetryAfter);
        Assert.Equal("The request has 2 images; the limit is 1 per minute.", refused.Admission.Message);
        Assert.Null(meter.RecentRefusal(id));
    }

    [Fact]
    public async Task A_suspended_tenant_is_refused_and_remembered_until_it_is_resumed()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(1_000);
        await tenant.SetSuspended(true);

        var outcome = await meter.RunAsync(Request(id), Work(Estimate));

        Assert.Equal((MeterVerdict.NotAdmitted, AdmissionOutcome.Refused), (outcome.Verdict, outcome.Admission!.Outcome));
        Assert.Equal(AdmissionOutcome.Refused, meter.RecentRefusal(id)!.Outcome);
        Assert.Equal(AdmissionOutcome.Refused, (await meter.TakeAsync(id, read: true)).Outcome);
    }

    [Fact]
    public async Task A_retry_with_the_same_key_replays_the_answer_byte_for_byte_and_is_charged_once()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(100);
        var runs = 0;
        var key = Guid.NewGuid().ToString("N");

        var first = await meter.RunAsync(Request(id, key), Work(new Charge(1, 1, 11, "tiny"), () => runs++));
        var replay = await meter.RunAsync(Request(id, key), Work(new Charge(1, 1, 11, "tiny"), () => runs++));

        Assert.Equal(MeterVerdict.Answered, first.Verdict);
        Assert.Equal((MeterVerdict.Replayed, 200, "charged 11", "application/json"), (replay.Verdict, replay.Status, Text(replay), replay.ContentType));
        Assert.Equal(1, runs);
        Assert.Equal(89, (await tenant.GetInfo())!.Balance);
        var record = Assert.Single(await UsageLogs.RecordsAsync(fixture.Cluster, id));
        Assert.Equal("charged 11".Length, record.StoredBytes);
    }

    [Fact]
    public async Task A_key_in_use_or_reused_for_another_request_is_refused_without_work()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(100);
        var key = Guid.NewGuid().ToString("N");
        var release = new TaskCompletionSource();
        var running = new TaskCompletionSource();

        var first = meter.RunAsync(Request(id, key), async _ =>
        {
            running.SetResult();
            await release.Task;
            return MeteredWork.Done(200, c => Utf8.UTF8.GetBytes($"charged {c}"), Estimate);
        });
        await running.Task;
        var inUse = await meter.RunAsync(Request(id, key), Work(Estimate, () => Assert.Fail("ran twice")));
        release.SetResult();
        await first;
        var reused = await meter.RunAsync(Request(id, key, canonical: "another body"), Work(Estimate, () => Assert.Fail("ran for a reused key")));

        Assert.Equal((MeterVerdict.KeyInUse, 409), (inUse.Verdict, inUse.Status));
        Assert.Equal((MeterVerdict.KeyReused, 422), (reused.Verdict, reused.Status));
        Assert.Equal(77, (await tenant.GetInfo())!.Balance);
    }

    [Fact]
    public async Task An_answer_too_large_to_keep_replays_as_an_error_that_says_the_work_was_done()
    {
        var (meter, _) = NewMeter(maxStoredBytes: 4);
        var (id, _) = await NewTenantAsync(100);
        var key = Guid.NewGuid().ToString("N");

        await meter.RunAsync(Request(id, key), Work(Estimate));
        var replay = await meter.RunAsync(Request(id, key), Work(Estimate));

        Assert.Equal((MeterVerdict.Replayed, 409), (replay.Verdict, replay.Status));
        Assert.Equal(
            "{\"error\":{\"message\":\"The request with this Idempotency-Key completed with status 200, but its response (10 bytes) was larger than the 4 bytes kept for replays, so it cannot be sent again; the work is not repeated or charged again. Use a new key to run it again.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"idempotent_response_not_stored\"}}",
            Text(replay));
    }

    [Fact]
    public async Task Failed_work_is_refunded_in_full_rethrown_and_frees_its_key()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(100);
        var key = Guid.NewGuid().ToString("N");

        await Assert.ThrowsAsync<InvalidOperationException>(() => meter.RunAsync(Request(id, key), _ => throw new InvalidOperationException("model down")));

        var info = (await tenant.GetInfo())!;
        Assert.Equal((100L, 0L), (info.Balance, info.Reserved));
        Assert.Empty(await UsageLogs.RecordsAsync(fixture.Cluster, id));
        Assert.Equal(MeterVerdict.Answered, (await meter.RunAsync(Request(id, key), Work(Estimate))).Verdict);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Work_that_timed_out_after_it_ran_is_not_charged_but_is_in_the_usage_log_with_its_decode_time_and_frees_its_key(bool leased)
    {
        var (meter, leases) = NewMeter(leases: leased);
        var (id, tenant) = await NewTenantAsync(100_000);
        if (leased)
        {
            await meter.RunAsync(Request(id), Work(Estimate));
            await leases.RefillsAsync();
        }

        var before = await UsageLogs.RecordsAsync(fixture.Cluster, id);
        var key = Guid.NewGuid().ToString("N");

        var thrown = await Assert.ThrowsAsync<AbandonedWorkException>(() => meter.RunAsync(Request(id, key), _ => throw new AbandonedWorkException("timeout", 41, null)));

        Assert.Equal("timeout", thrown.Code);
        await leases.ReleaseAllAsync();
        var info = (await tenant.GetInfo())!;
        Assert.Equal((leased ? 100_000L - 23 : 100_000L, 0L, 0L), (info.Balance, info.Reserved, info.Leased));
        var record = Assert.Single(await UsageLogs.RecordsAsync(fixture.Cluster, id), r => before.All(b => b.Id != r.Id));
        Assert.Equal((true, 0L, 41L, leased), (record.Refused, record.Credits, record.DecodeMilliseconds, record.Lease != 0));
        Assert.Equal(MeterVerdict.Answered, (await meter.RunAsync(Request(id, key), Work(Estimate))).Verdict);
    }

    [Fact]
    public async Task Work_refused_by_its_own_input_is_not_charged_but_is_in_the_usage_log_with_its_decode_time()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(100);
        var error = Utf8.UTF8.GetBytes("{\"error\":\"bad image\"}");

        var outcome = await meter.RunAsync(Request(id), _ => Task.FromResult(MeteredWork.Refused(400, error, "invalid_image", 37)));

        Assert.Equal((MeterVerdict.Answered, 400), (outcome.Verdict, outcome.Status));
        Assert.Equal(error, outcome.Body);
        Assert.Equal(100, (await tenant.GetInfo())!.Balance);
        var record = Assert.Single(await UsageLogs.RecordsAsync(fixture.Cluster, id));
        Assert.Equal((true, 37L, 0L, 0), (record.Refused, record.DecodeMilliseconds, record.Credits, record.Images));
    }

    [Fact]
    public async Task A_reservation_handed_over_is_neither_committed_nor_refunded_by_the_meter()
    {
        var (meter, _) = NewMeter();
        var (id, tenant) = await NewTenantAsync(100);
        string? reservation = null;

        await Assert.ThrowsAsync<TimeoutException>(() => meter.RunAsync(Request(id) with { Hold = TimeSpan.FromMinutes(10) }, ticket =>
        {
            reservation = ticket.Id;
            ticket.HandOver();
            throw new TimeoutException("the request gave up waiting for the build");
        }));

        Assert.NotNull(reservation);
        var info = (await tenant.GetInfo())!;
        Assert.Equal((77L, 23L), (info.Balance, info.Reserved));
        await tenant.Settle(new Settlement(reservation, Commit: true, 20, 0, 3));
        Assert.Equal(80, (await tenant.GetInfo())!.Balance);
    }

    [Fact]
    public async Task A_busy_tenant_is_admitted_and_settled_from_the_silos_lease_and_each_request_is_logged_under_it()
    {
        var (meter, leases) = NewMeter(leases: true);
        var (id, tenant) = await NewTenantAsync(100_000);

        // The first request goes to the ledger and asks for a lease for this demand (1 request per second here).
        var exact = await meter.RunAsync(Request(id), Work(new Charge(1, 1, 11, "tiny")));
        await leases.RefillsAsync();
        var leased = await meter.RunAsync(Request(id), Work(new Charge(1, 1, 11, "tiny")));
        var refused = await meter.RunAsync(Request(id), _ => Task.FromResult(MeteredWork.Refused(400, [1], "invalid_image", 5)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => meter.RunAsync(Request(id), _ => throw new InvalidOperationException("failed")));

        Assert.Equal(("charged 11", "charged 11", 400), (Text(exact), Text(leased), refused.Status));
        var held = leases.Held()[id];
        Assert.True(held > 0, "the silo holds a lease");
        var records = await UsageLogs.RecordsAsync(fixture.Cluster, id);
        Assert.Equal(3, records.Count);
        var ledger = Assert.Single(records, r => r.Lease == 0);
        Assert.Equal(11L, ledger.Credits);
        var underLease = records.Where(r => r.Lease != 0).OrderBy(r => r.Refused).ToList();
        Assert.Equal((11L, false), (underLease[0].Credits, underLease[0].Refused));
        Assert.Equal((0L, true, 5L), (underLease[1].Credits, underLease[1].Refused, underLease[1].DecodeMilliseconds));

        // Returned, the lease's unspent credits go back: what is gone is what was charged.
        await leases.ReleaseAllAsync();
        var info = (await tenant.GetInfo())!;
        Assert.Equal((100_000L - 22, 0L, 0L), (info.Balance, info.Reserved, info.Leased));
    }
}
