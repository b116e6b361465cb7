using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Api.Tests.Server;

/// <summary>Destructive: each test runs its own server with tiny connection limits, driven over raw sockets.</summary>
[Trait("Category", "api")]
public sealed class ConnectionLimitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<TcpClient> ConnectAsync(RunningServer server)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.Http.BaseAddress!.Host, server.Http.BaseAddress.Port);
        return client;
    }

    // Sends one request and reads its whole response (headers and a Content-Length body); returns the status line.
    private static async Task<string> SendAsync(TcpClient client, string request)
    {
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[16384];
        var received = new StringBuilder();
        while (true)
        {
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var text = received.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var length = text.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))?["Content-Length:".Length..].Trim();
            var complete = end >= 0 && (length is not null
                ? Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)
                : text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal));
            if (complete)
            {
                break;
            }
        }

        return received.ToString().Split("\r\n")[0];
    }

    // Closed (FIN) or aborted (RST) by the server, as opposed to still open when patience ran out.
    private static async Task<bool> ClosedByServerAsync(TcpClient client)
    {
        try
        {
            var read = await client.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Patience);
            return read == 0;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return true;
        }
    }

    [SkippableFact]
    public async Task Past_the_limit_connections_serve_health_only_and_past_the_reserve_they_are_dropped()
    {
        _ = GoldenData.Root;
        await using var server = await RunningServer.StartAsync(GoldenData.TinyClip, null,
            "--ClipGrains:Gateway:Connections:MaxConnections=2", "--ClipGrains:Gateway:Connections:HealthReserve=1",
            "--ClipGrains:Gateway:Connections:UnauthenticatedTimeout=01:00:00");
        // The test's own admin client keeps its connection; fill the rest of the limit with idle ones, each counted by
        // the guard once a request on it was answered.
        var guard = server.Services.GetRequiredService<ClipGrains.Gateway.Connections.ConnectionGuard>();
        var idle = new List<TcpClient>();
        while (guard.Open < 2)
        {
            var client = await ConnectAsync(server);
            idle.Add(client);
            Assert.Equal("HTTP/1.1 200 OK", await SendAsync(client, "GET /health/live HTTP/1.1\r\nHost: t\r\n\r\n"));
        }

        using var reserve = await ConnectAsync(server);

        Assert.Equal("HTTP/1.1 200 OK", await SendAsync(reserve, "GET /health/live HTTP/1.1\r\nHost: t\r\n\r\n"));
        using var dropped = await ConnectAsync(server);
        Assert.True(await ClosedByServerAsync(dropped));

        var refused = await SendAsync(reserve, $"GET /v1/models HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {server.ApiKey}\r\n\r\n");
        Assert.Equal("HTTP/1.1 503 Service Unavailable", refused);
        Assert.True(await ClosedByServerAsync(reserve));
        idle.ForEach(c => c.Dispose());
    }

    [SkippableFact]
    public async Task A_connection_that_carries_no_request_is_closed_and_one_that_served_a_request_is_kept()
    {
        _ = GoldenData.Root;
        await using var server = await RunningServer.StartAsync(GoldenData.TinyClip, null, "--ClipGrains:Gateway:Connections:UnauthenticatedTimeout=00:00:01");
        using var keyless = await ConnectAsync(server);
        Assert.Equal("HTTP/1.1 200 OK", await SendAsync(keyless, "GET /health/ready HTTP/1.1\r\nHost: t\r\n\r\n"));
        using var silent = await ConnectAsync(server);

        // The silent connection opened after the served one: when it is closed, the served one is past its timeout too.
        Assert.True(await ClosedByServerAsync(silent));
        Assert.Equal("HTTP/1.1 200 OK", await SendAsync(keyless, "GET /health/ready HTTP/1.1\r\nHost: t\r\n\r\n"));
    }
}
