using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using ClipGrains.Grains.Tests.Support;
using ClipGrains.Inference.Tests.Support;
using Xunit.Abstractions;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>
/// Destructive and slow: real <c>clipgrains serve</c> processes forming one cluster on a PostgreSQL database of
/// their own. Failure detection runs on Orleans' default settings, so the takeover time printed is the one a
/// deployment gets out of the box.
/// </summary>
[Trait("Category", "postgres")]
[Collection(ProcessClusterGroup.Name)]
public sealed class PostgresClusterTests(ITestOutputHelper output)
{
    private const long Credits = 1_000_000;
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(120);

    [SkippableFact]
    public async Task Two_processes_form_one_cluster_keep_serving_when_one_is_killed_and_it_rejoins()
    {
        var model = GoldenData.TinyClip;
        await using var postgres = await TestPostgres.CreateDatabaseAsync();
        // A may be granted leases under this load (it depends on the machine's speed): short ones, so that a lease it held
        // when killed is reclaimed within the test, by B's ledger calls (B admits exactly), and the books are checked
        // with nothing leased.
        string[] leasing = ["--ClipGrains:Tenancy:LeaseDuration=00:00:02", "--ClipGrains:Tenancy:LeaseReclaimDelay=00:00:03"];
        await using var a = SiloProcess.Start(model, postgres.ConnectionString, settings: leasing);
        await using var b = SiloProcess.Start(model, postgres.ConnectionString, settings: [.. leasing, "--ClipGrains:Leases:Enabled=false"]);
        await Task.WhenAll(a.WaitReadyAsync(Startup), b.WaitReadyAsync(Startup));
        Assert.Equal(2, await postgres.ScalarAsync("SELECT count(*) FROM clipgrains_membership WHERE status = 3"));

        // Tenants created through one gateway, keys through the other: one cluster, one ledger.
        var keys = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var tenant = await ReadAsync(await a.Admin.PostAsync("/admin/v1/tenants", Body(new { name = $"t{i}", credits = Credits, limits = new { requests_per_minute = 100_000, images_per_minute = 100_000 } })));
            Assert.Equal(201, tenant.Status);
            var key = await ReadAsync(await b.Admin.PostAsync($"/admin/v1/tenants/{tenant.Json.GetProperty("id").GetString()}/keys", Body(new { name = "k" })));
            keys.Add(key.Json.GetProperty("key").GetString()!);
        }

        var ledger = new ConcurrentDictionary<string, (long Seen, int Unknown)>();
        foreach (var key in keys)
        {
            foreach (var silo in new[] { a, b })
            {
                var (status, cost) = await EmbedAsync(silo, key);
                Assert.Equal(200, status);
                ledger.AddOrUpdate(key, (cost, 0), (_, l) => (l.Seen + cost, l.Unknown));
            }
        }

        // Load on both gateways; A is killed (no drain, no goodbye) while requests are in flight.
        using var stopLoad = new CancellationTokenSource();
        var errors = new ConcurrentQueue<string>();
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; !stopLoad.IsCancellationRequested; n++)
            {
                var key = keys[(worker + n) % keys.Count];
                var silo = a.HasExited || n % 2 == 0 ? b : a;
                try
                {
                    var (status, cost) = await EmbedAsync(silo, key);
                    if (status == 200)
                    {
                        ledger.AddOrUpdate(key, (cost, 0), (_, l) => (l.Seen + cost, l.Unknown));
                    }
                    else if (status is >= 400 and < 500 || status == 500)
                    {
                        errors.Enqueue($"{status} from :{silo.HttpPort}");
                    }
                    else
                    {
                        ledger.AddOrUpdate(key, (0, 1), (_, l) => (l.Seen, l.Unknown + 1));
                    }
                }
                catch (HttpRequestException)
                {
                    // The outcome is unknown to the client: charged or not, the ledger must still balance.
                    ledger.AddOrUpdate(key, (0, 1), (_, l) => (l.Seen, l.Unknown + 1));
                }
            }
        })).ToArray();

        await WaitForAsync(() => Task.FromResult(ledger.Values.Sum(l => l.Seen) >= 60 + keys.Count * 2));
        a.Kill();
        var killed = Stopwatch.StartNew();

        // Takeover: every tenant (their grains were spread over both silos) is served again through B.
        var takeover = await Task.WhenAll(keys.Select(async key =>
        {
            while (true)
            {
                var (status, cost) = await EmbedAsync(b, key);
                if (status == 200)
                {
                    ledger.AddOrUpdate(key, (cost, 0), (_, l) => (l.Seen + cost, l.Unknown));
                    return killed.Elapsed;
                }

                Assert.True(status == 503, $"{status} from the surviving silo while it took over");
                ledger.AddOrUpdate(key, (0, 1), (_, l) => (l.Seen, l.Unknown + 1));
                Assert.True(killed.Elapsed < TimeSpan.FromSeconds(120), "the surviving silo did not take over within two minutes");
            }
        }));
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);
        output.WriteLine($"takeover after kill -9: every tenant served again through the survivor after {takeover.Max().TotalSeconds:F1} s (first {takeover.Min().TotalSeconds:F1} s)");
        Assert.Empty(errors);

        // Ledger invariant, tenant by tenant, read through the survivor: nothing created or lost.
        foreach (var key in keys)
        {
            // Once the dead silo's lease is reclaimed (by the next ledger call after its reclaim delay).
            var usage = default((long Balance, long Reserved, long Committed, long Leased));
            await WaitForAsync(async () =>
            {
                var (status, cost) = await EmbedAsync(b, key);
                Assert.Equal(200, status);
                ledger.AddOrUpdate(key, (cost, 0), (_, l) => (l.Seen + cost, l.Unknown));
                return (usage = await UsageAsync(b, key)).Leased == 0;
            });
            var (seen, unknown) = ledger[key];
            Assert.Equal(Credits, usage.Balance + usage.Reserved + usage.Committed);
            Assert.True(usage.Balance >= 0);
            Assert.InRange(usage.Committed, seen, seen + unknown);
        }

        // The killed silo rejoins on the same ports (a new generation); the survivor declared the old one dead.
        await using var again = SiloProcess.Start(model, postgres.ConnectionString, a.HttpPort, a.SiloPort);
        await again.WaitReadyAsync(Startup);
        await WaitForAsync(async () => await postgres.ScalarAsync("SELECT count(*) FROM clipgrains_membership WHERE status = 3") == 2);
        Assert.Equal(1, await postgres.ScalarAsync("SELECT count(*) FROM clipgrains_membership WHERE status = 6"));
        foreach (var key in keys)
        {
            Assert.Equal(200, (await EmbedAsync(again, key)).Status);
        }
    }

    [SkippableFact]
    public async Task Silos_killed_holding_a_lease_leave_the_ledger_equal_to_the_usage_log_and_never_above_what_was_answered()
    {
        // Short leases and reclaim delay so the reconciliation happens within the test; a long write window (a legal
        // value) so each kill loses queued records, which the ledger must not have counted. A request A admitted through
        // the ledger just before a kill holds its reservation until it expires: 10 s here (5 min by default), so the
        // books settle within the test's wait.
        string[] leasing = [
            "--ClipGrains:Leases:MinRequestsPerSecond=5", "--ClipGrains:Tenancy:LeaseDuration=00:00:02", "--ClipGrains:Tenancy:LeaseReclaimDelay=00:00:03",
            "--ClipGrains:Tenancy:ReservationTimeout=00:00:10"];
        await using var postgres = await TestPostgres.CreateDatabaseAsync();
        // B admits through the ledger only, so once A's lease is reclaimed nothing is leased (B's own polling would be).
        await using var b = SiloProcess.Start(GoldenData.TinyClip, postgres.ConnectionString, settings: [.. leasing, "--ClipGrains:Leases:Enabled=false"]);
        await b.WaitReadyAsync(Startup);
        var tenant = await ReadAsync(await b.Admin.PostAsync("/admin/v1/tenants", Body(new { name = "hot", credits = Credits, limits = new { requests_per_minute = 10_000_000, images_per_minute = 100_000 } })));
        var tenantId = tenant.Json.GetProperty("id").GetString()!;
        var key = (await ReadAsync(await b.Admin.PostAsync($"/admin/v1/tenants/{tenantId}/keys", Body(new { name = "k" })))).Json.GetProperty("key").GetString()!;
        long seen = 0, unknown = 0;
        for (var round = 1; round <= 3; round++)
        {
            var a = SiloProcess.Start(GoldenData.TinyClip, postgres.ConnectionString, settings: [.. leasing, "--ClipGrains:UsageLog:FlushInterval=00:00:01"]);
            try
            {
                await a.WaitReadyAsync(Startup);

                // A busy tenant on A (admitted from A's lease), killed mid-load.
                long answered = 0;
                using var stopLoad = new CancellationTokenSource();
                var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
                {
                    while (!stopLoad.IsCancellationRequested)
                    {
                        try
                        {
                            var (status, cost) = await EmbedAsync(a, key);
                            Assert.True(status == 200, $"{status} from the leasing silo");
                            Interlocked.Add(ref seen, cost);
                            Interlocked.Increment(ref answered);
                        }
                        catch (HttpRequestException)
                        {
                            Interlocked.Increment(ref unknown); // Killed in flight: charged or not, unknown to the client.
                            return;
                        }
                    }
                })).ToArray();
                await WaitForAsync(async () => { await Task.Yield(); return Interlocked.Read(ref answered) >= 800; });
                var leasedBeforeKill = (await ReadAsync(await b.Admin.GetAsync($"/admin/v1/tenants/{tenantId}"))).Json.GetProperty("tenant").GetProperty("leased").GetInt64();
                a.Kill();
                await stopLoad.CancelAsync();
                await Task.WhenAll(load);

                // The dead silo's lease lapses and is reconciled from the usage log by the next ledger call (through B).
                var after = default((long Balance, long Reserved, long Leased, long Logged));
                await WaitForAsync(async () =>
                {
                    // 503 while the cluster notices A is gone and moves the tenant's ledger (the takeover test measures that).
                    var (status, cost) = await EmbedAsync(b, key);
                    Assert.True(status is 200 or 503, $"{status} from the surviving silo");
                    seen += cost;
                    var (readStatus, json) = await ReadAsync(await b.Admin.GetAsync($"/admin/v1/tenants/{tenantId}"));
                    if (readStatus != 200)
                    {
                        return false;
                    }

                    var t = json.GetProperty("tenant");
                    after = (t.GetProperty("balance").GetInt64(), t.GetProperty("reserved").GetInt64(), t.GetProperty("leased").GetInt64(), json.GetProperty("totals").GetProperty("credits").GetInt64());
                    return after.Leased == 0 && after.Reserved == 0;
                });

                // The ledger equals the log, exactly, after every kill; never more than the clients were answered (plus
                // what was cut off in flight); what was answered but never written is the provider's loss.
                var charged = Credits - after.Balance;
                output.WriteLine($"kill {round}: {answered} answered under A's lease ({leasedBeforeKill} credits leased at the kill), {unknown} cut off so far; " +
                    $"charged {charged}, log {after.Logged}, answered {seen}: {seen - charged} credits uncharged (the provider's)");
                Assert.True(leasedBeforeKill > 0, "the load ran on a lease");
                Assert.Equal(after.Logged, charged);
                Assert.InRange(charged, 0, seen + (2 * unknown));
            }
            finally
            {
                await a.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task A_silo_stopped_with_sigterm_finishes_its_requests_and_leaves_the_cluster()
    {
        var model = GoldenData.TinyClip;
        await using var postgres = await TestPostgres.CreateDatabaseAsync();

        // Both silos hold every batch for up to three seconds while more images are announced, and decode one image at
        // a time: each request's 9-megapixel image takes tens of milliseconds, so all requests are announced while the
        // first still decodes, and the requests A's gateway admitted (its in-flight gauge) are provably still being
        // served when A is told to stop (with tiny images the first request could finish before the last arrived).
        string[] slowBatches =
        [
            "--ClipGrains:Batching:MaxQueueDelay=00:00:03", "--ClipGrains:Batching:MaxImageBatchSize=64", "--ClipGrains:Batching:MaxConcurrentDecodes=1",
        ];
        await using var a = SiloProcess.Start(model, postgres.ConnectionString, settings: slowBatches);
        await using var b = SiloProcess.Start(model, postgres.ConnectionString, settings: slowBatches);
        await Task.WhenAll(a.WaitReadyAsync(Startup), b.WaitReadyAsync(Startup));
        var tenant = await ReadAsync(await a.Admin.PostAsync("/admin/v1/tenants", Body(new { name = "drain", credits = Credits, limits = new { requests_per_minute = 100_000, images_per_minute = 100_000 } })));
        var tenantId = tenant.Json.GetProperty("id").GetString();
        var key = (await ReadAsync(await a.Admin.PostAsync($"/admin/v1/tenants/{tenantId}/keys", Body(new { name = "k" })))).Json.GetProperty("key").GetString()!;

        const int InFlight = 12;
        // Distinct images: identical bytes would be embedded once and share the result.
        var requests = Enumerable.Range(0, InFlight).Select(i => Task.Run(async () =>
        {
            var image = "data:image/png;base64," + Convert.ToBase64String(HostileImages.GrayPng(3000 + i, 3000, rows: 3000));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classifications") { Content = Body(new { input = new[] { image }, labels = new[] { "cat", "dog" } }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await a.Http.SendAsync(request);
            return await ReadAsync(response);
        })).ToArray();
        await WaitForAsync(async () =>
        {
            var early = requests.FirstOrDefault(r => r.IsCompleted);
            Assert.True(early is null, early is null ? "" : $"a request finished before the stop: {(await early).Status} {(await early).Json}");
            return await GaugeAsync(a, "clipgrains_requests_in_flight") >= InFlight;
        });

        a.Terminate();
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await a.WaitForExitAsync(exit.Token);
        }

        var answers = await Task.WhenAll(requests.Select(async r =>
        {
            try
            {
                return await r;
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"a request in flight at SIGTERM was cut off ({e.Message}); silo output:\n{a.Output}", e);
            }
        }));

        Assert.All(answers, r => Assert.Equal(200, r.Status));
        Assert.Equal(0, a.ExitCode);
        Assert.Contains("every admitted request finished", a.Output, StringComparison.Ordinal);
        Assert.Equal(1, await postgres.ScalarAsync("SELECT count(*) FROM clipgrains_membership WHERE status = 6"));
        Assert.Equal(1, await postgres.ScalarAsync("SELECT count(*) FROM clipgrains_membership WHERE status = 3"));

        var charged = answers.Sum(r => r.Json.GetProperty("usage").GetProperty("credits").GetInt64());
        var usage = await UsageAsync(b, key);
        Assert.Equal((Credits - charged, 0L, charged), (usage.Balance, usage.Reserved, usage.Committed));
    }

    private static async Task<(int Status, long Cost)> EmbedAsync(SiloProcess silo, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = Body(new { model = "clip-vit-base-patch32", input = new[] { "a photo of a cat" } }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await silo.Http.SendAsync(request);
        var (status, json) = await ReadAsync(response);
        return (status, status == 200 ? json.GetProperty("usage").GetProperty("credits").GetInt64() : 0);
    }

    private static async Task<(long Balance, long Reserved, long Committed, long Leased)> UsageAsync(SiloProcess silo, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/usage");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await silo.Http.SendAsync(request);
        var (status, json) = await ReadAsync(response);
        Assert.Equal(200, status);
        var tenant = json.GetProperty("tenant");
        return (tenant.GetProperty("balance").GetInt64(), tenant.GetProperty("reserved").GetInt64(), json.GetProperty("totals").GetProperty("credits").GetInt64(),
            tenant.GetProperty("leased").GetInt64());
    }

    private static async Task<double> GaugeAsync(SiloProcess silo, string name)
    {
        var text = await silo.Http.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Polls a condition (what the cluster does is observable only from outside) for at most two minutes.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), "condition not reached within two minutes");
            await Task.Delay(50);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterGroup
{
    public const string Name = "process clusters on PostgreSQL (run alone)";
}
