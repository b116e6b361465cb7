using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Api.Tests.Server;

/// <summary>One server on the golden tiny model, shared by the non-destructive HTTP tests.</summary>
public sealed class GoldenServerFixture : IAsyncLifetime
{
    private RunningServer? _server;

    /// <summary>The server; skips (or, in CI, fails) the calling test when the golden data is absent.</summary>
    public RunningServer Server
    {
        get
        {
            _ = GoldenData.Root;
            return _server ?? throw new InvalidOperationException("The golden server did not start.");
        }
    }

    public async Task InitializeAsync()
    {
        if (GoldenData.IsAvailable)
        {
            _server = await RunningServer.StartAsync(GoldenData.TinyClip);
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

[CollectionDefinition(Name)]
public sealed class GoldenServerGroup : ICollectionFixture<GoldenServerFixture>
{
    public const string Name = "golden server";
}
