using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClipGrains.Inference.Tests.Support;

/// <summary>
/// A model hub on 127.0.0.1 serving one folder as <c>/{owner}/{name}/resolve/{revision}/{path}</c>, with range
/// support and one optional fault: answer 503 a number of times. (A connection cut mid-body is simulated
/// on the client side by <see cref="CuttingHandler"/>: a server-side reset would also discard bytes already sent.)
/// </summary>
public sealed class LoopbackHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _unavailableLeft;

    private LoopbackHub(WebApplication app, string repoId, string folder)
    {
        _app = app;
        app.MapGet("/{owner}/{name}/resolve/{revision}/{**path}", async (HttpContext context, string owner, string name, string revision, string path) =>
        {
            Requests.Enqueue(new HubRequest(path, context.Request.Headers.Range.ToString(), context.Request.Headers.Authorization.ToString()));
            if (Interlocked.Decrement(ref _unavailableLeft) >= 0)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            var file = Path.Combine(folder, path);
            if ($"{owner}/{name}" != repoId || revision != "main" || !File.Exists(file))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await Results.File(file, "application/octet-stream", enableRangeProcessing: true).ExecuteAsync(context);
        });
    }

    public ConcurrentQueue<HubRequest> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<LoopbackHub> StartAsync(string repoId, string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var hub = new LoopbackHub(builder.Build(), repoId, folder);
        await hub._app.StartAsync();
        var address = hub._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hub.BaseAddress = new Uri(address);
        return hub;
    }

    /// <summary>The next <paramref name="times"/> requests of any file get 503.</summary>
    public void Unavailable(int times) => _unavailableLeft = times;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record HubRequest(string Path, string Range, string Authorization);
