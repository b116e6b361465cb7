using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Security;
using ClipGrains.Gateway.Tenancy;
using ClipGrains.Grains.Tenancy.Leases;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClipGrains.Host.Bench;

/// <summary>
/// Issue 14's figures, in one process: admissions per second for one tenant through the whole admission path — the real
/// authentication handler (key-verdict cache), then the meter's admit (through the gateway's adapter), a no-op piece of work and the settlement — on the
/// exact path (one ledger call to admit and one to settle) and with leases, in the same run; the tenant's stored state
/// size as it runs; and a lone client's end-to-end latency over loopback HTTP with and without leases.
/// </summary>
internal static class AdmissionRun
{
    public sealed record Phase(string Path, int Concurrency, double Seconds, long Admitted, double PerSecond, long StateBytes, double LogCatchUpSeconds, long RecordsDropped);

    public sealed record Lone(string Path, LatencySummary LatencyMs);

    public sealed record Result(IReadOnlyList<Phase> Phases, IReadOnlyList<Lone> LoneRequests, IReadOnlyList<(double Minute, long StateBytes)> StateOverTime);

    public static async Task<Result> MeasureAsync(string model, int concurrency, TimeSpan phase, int loneRequests, TimeSpan sustain, TextWriter progress, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "clipgrains-admission-" + Guid.NewGuid().ToString("N"));
        const string AdminKey = "cga_admission-benchmark";
        await using var app = Server.ServerApp.Build(
        [
            "--urls=http://127.0.0.1:0", $"--ClipGrains:Model:Path={model}", $"--ClipGrains:DataDirectory={data}", $"--ClipGrains:Admin:ApiKey={AdminKey}",
            $"--ClipGrains:Cluster:SiloPort={FreePort()}", "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync(cancellationToken);
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var http = new HttpClient { BaseAddress = address };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            var tenant = (await (await http.PostAsJsonAsync("/admin/v1/tenants", new { name = "admission", credits = 1_000_000_000_000L, limits = new { requests_per_minute = 100_000_000, images_per_minute = 100_000_000 } }, cancellationToken))
                .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
            var key = (await (await http.PostAsJsonAsync($"/admin/v1/tenants/{tenant}/keys", new { name = "bench" }, cancellationToken))
                .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken)).GetProperty("key").GetString()!;
            var leases = app.Services.GetRequiredService<IOptions<LeaseOptions>>().Value;
            var database = Path.Combine(data, "clipgrains.db");

            var phases = new List<Phase>();
            foreach (var leased in new[] { false, true, false, true })
            {
                // The same server, switched between paths: leases returned first, so each phase starts from the ledger.
                leases.Enabled = leased;
                await app.Services.GetRequiredService<SiloLeases>().ReleaseAllAsync();
                await progress.WriteLineAsync($"admission path, {(leased ? "leases" : "exact")}, {concurrency} workers, {phase.TotalSeconds} s…");
                var admitted = await DriveAsync(app.Services, key, concurrency, phase, cancellationToken);

                // How far the usage log's writer lagged: the time to write what was still queued when the phase ended.
                var log = app.Services.GetRequiredService<IUsageLog>();
                var catchUp = Stopwatch.StartNew();
                await log.FlushAsync(cancellationToken);
                phases.Add(new Phase(
                    leased ? "leases" : "exact", concurrency, phase.TotalSeconds, admitted, Math.Round(admitted / phase.TotalSeconds), await StateBytesAsync(database, tenant),
                    Math.Round(catchUp.Elapsed.TotalSeconds, 2), log.Dropped));
            }

            var lone = new List<Lone>();
            using var client = new HttpClient { BaseAddress = address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            foreach (var leased in new[] { false, true, false, true })
            {
                leases.Enabled = leased;
                await app.Services.GetRequiredService<SiloLeases>().ReleaseAllAsync();
                await progress.WriteLineAsync($"lone client over HTTP, {(leased ? "leases" : "exact")}, {loneRequests} requests…");
                var latencies = new List<double>(loneRequests);
                for (var i = 0; i < loneRequests; i++)
                {
                    // One cached prompt: the request costs parsing, authentication, metering and a cache hit, not inference.
                    var watch = Stopwatch.StartNew();
                    using var response = await client.PostAsJsonAsync("/v1/embeddings", new { input = "a photo of a cat" }, cancellationToken);
                    response.EnsureSuccessStatusCode();
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                }

                lone.Add(new Lone(leased ? "leases" : "exact", LatencySummary.Of(latencies.Skip(loneRequests / 10).ToList())));
            }

            // Sustained exact-path load (every request writes the tenant's state twice): the state must not grow with it.
            var overTime = new List<(double, long)>();
            leases.Enabled = false;
            var started = Stopwatch.StartNew();
            while (started.Elapsed < sustain)
            {
                await DriveAsync(app.Services, key, concurrency, TimeSpan.FromSeconds(Math.Min(60, (sustain - started.Elapsed).TotalSeconds)), cancellationToken);
                overTime.Add((Math.Round(started.Elapsed.TotalMinutes, 1), await StateBytesAsync(database, tenant)));
                await progress.WriteLineAsync($"sustained {started.Elapsed.TotalMinutes:F1} min: tenant state {overTime[^1].Item2} bytes");
            }

            return new Result(phases, lone, overTime);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    // Workers that authenticate, admit, run nothing and settle, as fast as they can, for `duration`.
    private static async Task<long> DriveAsync(IServiceProvider services, string key, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var metering = services.GetRequiredService<ChargedRequests>();
        var authentication = services.GetRequiredService<IAuthenticationService>();
        var charge = new Charge(0, 1, 1, "clip-vit-base-patch32");
        var work = new ChargedResult(200, credits => new { credits }, charge);
        var admitted = 0L;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var context = new DefaultHttpContext { RequestServices = services };
                context.Request.Method = "POST";
                context.Request.Path = "/v1/embeddings";
                context.Request.Headers.Authorization = "Bearer " + key;
                var result = await authentication.AuthenticateAsync(context, AuthSchemes.ApiKey);
                context.User = result.Principal ?? throw new InvalidOperationException("The benchmark key did not authenticate.");
                await metering.RunAsync(context, () => string.Empty, charge, () => Task.FromResult(work));
                Interlocked.Increment(ref admitted);
            }
        }, CancellationToken.None)));
        return admitted;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<long> StateBytesAsync(string database, string tenant)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(payload) FROM grain_state WHERE state_name = 'tenant' AND grain_id LIKE '%' || $tenant";
        command.Parameters.AddWithValue("$tenant", tenant);
        return await command.ExecuteScalarAsync() is long bytes ? bytes : -1;
    }
}
