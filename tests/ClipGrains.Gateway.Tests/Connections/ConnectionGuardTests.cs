using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Gateway.Tests.Connections;

/// <summary>Which idle connections the guard closes, and how (fake clock; the connection stays open until released).</summary>
public sealed class ConnectionGuardTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_connection_that_carried_no_request_is_asked_to_close_gracefully_at_the_timeout()
    {
        var open = Open(authRequired: true);
        open.Clock.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, open.Lifetime.CloseRequests);

        open.Clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(1, open.Lifetime.CloseRequests);
        Assert.False(open.Connection.Aborted);
        await open.EndAsync();
    }

    [Fact]
    public async Task A_connection_that_served_a_request_is_not_cut_when_idle_after_it()
    {
        var open = Open(authRequired: true);
        open.Clock.Advance(TimeSpan.FromSeconds(2));
        open.State.Started();

        open.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal((0, false), (open.Lifetime.CloseRequests, open.Connection.Aborted));
        await open.EndAsync();
    }

    [Fact]
    public async Task With_authentication_off_no_connection_is_cut()
    {
        var open = Open(authRequired: false);

        open.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal((0, false), (open.Lifetime.CloseRequests, open.Connection.Aborted));
        await open.EndAsync();
    }

    [Fact]
    public async Task Past_the_limit_and_its_health_reserve_a_connection_is_aborted_at_once()
    {
        var clock = new FakeTimeProvider();
        var guard = new ConnectionGuard(Options.Create(new ConnectionOptions { MaxConnections = 1, HealthReserve = 1 }), Options.Create(new AuthOptions()), clock);
        var first = new TestConnection();
        var second = new TestConnection();
        var third = new TestConnection();
        var release = new TaskCompletionSource();
        var serving = guard.Wrap(_ => release.Task);
        var a = serving(first);
        var b = serving(second);

        await serving(third);

        Assert.Equal((false, false, true), (first.Aborted, second.Aborted, third.Aborted));
        Assert.Equal((false, true), (ConnectionGuard.Of(HttpOn(first))!.Reserved, ConnectionGuard.Of(HttpOn(second))!.Reserved));
        release.SetResult();
        await Task.WhenAll(a, b);
        Assert.Equal(0, guard.Open);
    }

    private static DefaultHttpContext HttpOn(TestConnection connection)
    {
        var http = new DefaultHttpContext();
        http.Features.Set<IConnectionItemsFeature>(connection);
        return http;
    }

    private static OpenConnection Open(bool authRequired)
    {
        var clock = new FakeTimeProvider();
        var guard = new ConnectionGuard(Options.Create(new ConnectionOptions { UnauthenticatedTimeout = Timeout }), Options.Create(new AuthOptions { Required = authRequired }), clock);
        var connection = new TestConnection();
        var release = new TaskCompletionSource();
        var served = guard.Wrap(_ => release.Task)(connection);
        return new OpenConnection(clock, connection, connection.Lifetime, ConnectionGuard.Of(HttpOn(connection))!, release, served);
    }

    private sealed record OpenConnection(FakeTimeProvider Clock, TestConnection Connection, Lifetime Lifetime, ConnectionGuard.State State, TaskCompletionSource Release, Task Served)
    {
        public Task EndAsync()
        {
            Release.SetResult();
            return Served;
        }
    }

    private sealed class Lifetime : IConnectionLifetimeNotificationFeature
    {
        public int CloseRequests { get; private set; }

        public CancellationToken ConnectionClosedRequested { get; set; }

        public void RequestClose() => CloseRequests++;
    }

    private sealed class TestConnection : ConnectionContext, IConnectionItemsFeature
    {
        public TestConnection()
        {
            Features.Set<IConnectionLifetimeNotificationFeature>(Lifetime);
            Features.Set<IConnectionItemsFeature>(this);
        }

        public Lifetime Lifetime { get; } = new();

        public bool Aborted { get; private set; }

        public override string ConnectionId { get; set; } = "test";

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public override System.IO.Pipelines.IDuplexPipe Transport { get; set; } = null!;

        public override void Abort(ConnectionAbortedException abortReason) => Aborted = true;
    }
}
