using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Api.Tests.Server;

/// <summary>Base of destructive test classes that need a server of their own with particular settings.</summary>
public abstract class OwnServerTests(params string[] settings) : IAsyncLifetime
{
    private RunningServer? _server;

    /// <summary>The server; skips (or, in CI, fails) the calling test when the golden data is absent.</summary>
    protected RunningServer Server
    {
        get
        {
            _ = GoldenData.Root;
            return _server ?? throw new InvalidOperationException("The server did not start.");
        }
    }

    public async Task InitializeAsync()
    {
        if (GoldenData.IsAvailable)
        {
            _server = await RunningServer.StartAsync(GoldenData.TinyClip, null, settings);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
