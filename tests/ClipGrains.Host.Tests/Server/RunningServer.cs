using System.Net;
using System.Net.Sockets;
using ClipGrains.Grains.Hosting;
using ClipGrains.Host.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ClipGrains.Host.Tests.Server;

/// <summary>
/// The real <c>clipgrains serve</c> app (silo + gateway) on loopback ports chosen for the test, with its data
/// directory in a temp folder unless one is given (to restart on the same SQLite file).
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    public string DataDirectory { get; }

    public ModelHost ModelHost => _app.Services.GetRequiredService<ModelHost>();

    public IServiceProvider Services => _app.Services;

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
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var app = ServerApp.Build(args);
        await app.StartAsync();
        var server = new RunningServer(app, dataDirectory);
        await server.ModelHost.Ready;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
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
