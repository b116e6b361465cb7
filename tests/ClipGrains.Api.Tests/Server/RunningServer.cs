using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using ClipGrains.Grains.Serving;
using ClipGrains.Host.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClipGrains.Api.Tests.Server;

/// <summary>
/// The real <c>clipgrains serve</c> app (silo + gateway) on loopback ports chosen for the test, with its data
/// directory in a temp folder unless one is given (to restart on the same SQLite file).
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public const string AdminKey = "cga_test-operator-key";

    private RunningServer(WebApplication app, string dataDirectory, CapturingLoggerProvider logs)
    {
        _app = app;
        Logs = logs;
        DataDirectory = dataDirectory;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        Admin = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    /// <summary>Sends the test tenant's key (see <see cref="TenantId"/>).</summary>
    public HttpClient Http { get; }

    /// <summary>Sends the operator key.</summary>
    public HttpClient Admin { get; }

    public string TenantId { get; private set; } = string.Empty;

    public string ApiKey { get; private set; } = string.Empty;

    public string DataDirectory { get; }

    /// <summary>The default model's host on this silo (loaded at start: the single-model configuration keeps it).</summary>
    public ModelHost ModelHost => Models.Host();

    public SiloModels Models => _app.Services.GetRequiredService<SiloModels>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Every log line the server wrote, for checks that secrets never reach the log.</summary>
    public CapturingLoggerProvider Logs { get; }

    public static async Task<RunningServer> StartAsync(string modelPath, string? dataDirectory = null, params string[] settings)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "clipgrains-tests", "data-" + Guid.NewGuid().ToString("N"));
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--ClipGrains:Model:Path={modelPath}",
            "--ClipGrains:Model:IntraOpThreads=1",
            $"--ClipGrains:DataDirectory={dataDirectory}",
            $"--ClipGrains:Cluster:SiloPort={FreePort()}",
            $"--ClipGrains:Admin:ApiKey={AdminKey}",

            // Many tests send bad keys on purpose from the same address; the throttle has its own test server.
            "--ClipGrains:Auth:FailedAttemptsPerMinute=100000",

            // Most tests read exact balances right after bursts of requests: they run on the exact path. Lease tests
            // lower this on their own server.
            "--ClipGrains:Leases:MinRequestsPerSecond=1000000",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var logs = new CapturingLoggerProvider();
        var app = ServerApp.Build(args, builder => builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await app.StartAsync();
        var server = new RunningServer(app, dataDirectory, logs);
        // The models configuration keeps loaded (the single-model configuration keeps its one model) are there before tests run.
        var models = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClipGrains.Abstractions.Configuration.ModelsOptions>>().Value;
        await Task.WhenAll(models.Deployments.Where(d => d.MinCopies > 0).Select(d => server.Models.LoadAsync(d.Id)));
        await server.UseNewTenantAsync(credits: 10_000_000);
        return server;
    }

    /// <summary>Creates a tenant and a key through the admin API and makes <see cref="Http"/> use them.</summary>
    public async Task UseNewTenantAsync(long credits, int requestsPerMinute = 100_000, int imagesPerMinute = 100_000)
    {
        (TenantId, ApiKey) = await CreateTenantAsync(credits, requestsPerMinute, imagesPerMinute);
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    /// <summary>Creates a tenant and a key through the admin API.</summary>
    public async Task<(string TenantId, string ApiKey)> CreateTenantAsync(long credits, int requestsPerMinute = 100_000, int imagesPerMinute = 100_000)
    {
        var tenant = await HttpJson.ReadAsync(await Admin.PostAsync("/admin/v1/tenants", HttpJson.Body(new
        {
            name = "test tenant",
            credits,
            limits = new { requests_per_minute = requestsPerMinute, images_per_minute = imagesPerMinute },
        })));
        var id = tenant.Json.GetProperty("id").GetString()!;
        var key = await HttpJson.ReadAsync(await Admin.PostAsync($"/admin/v1/tenants/{id}/keys", HttpJson.Body(new { name = "tests" })));
        return (id, key.Json.GetProperty("key").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
