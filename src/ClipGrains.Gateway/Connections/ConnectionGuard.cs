using ClipGrains.Abstractions.Tenancy;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Connections;

/// <summary>
/// Counts open connections at the transport (Kestrel connection middleware, before any HTTP parsing): up to
/// <see cref="ConnectionOptions.MaxConnections"/> are served normally, the next <see cref="ConnectionOptions.HealthReserve"/>
/// only for health and metrics, and any more are dropped at once. A connection that has carried no request within
/// <see cref="ConnectionOptions.UnauthenticatedTimeout"/> is asked to close — gracefully, so a request whose bytes are
/// arriving at that instant is still answered (an abort there reset a POST just written). A connection that has served
/// a request is left to Kestrel's keep-alive timeout, and with authentication off (no keys to wait for) none is cut.
/// </summary>
internal sealed class ConnectionGuard(IOptions<ConnectionOptions> options, IOptions<AuthOptions> auth, TimeProvider time)
{
    private const string StateKey = "clipgrains.connection";
    private int _open;

    /// <summary>Connections open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>The connection middleware.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var o = options.Value;
        var count = Interlocked.Increment(ref _open);
        try
        {
            if (count > o.MaxConnections + o.HealthReserve)
            {
                connection.Abort(new ConnectionAbortedException("Too many open connections."));
                return;
            }

            var state = new State(count > o.MaxConnections);
            connection.Items[StateKey] = state;
            using var idle = auth.Value.Required ? time.CreateTimer(_ => CloseIfUnused(connection, state), null, o.UnauthenticatedTimeout, Timeout.InfiniteTimeSpan) : null;
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    };

    private static void CloseIfUnused(ConnectionContext connection, State state)
    {
        if (!state.Unused)
        {
            return;
        }

        if (connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            lifetime.RequestClose();
        }
        else
        {
            connection.Abort(new ConnectionAbortedException("No request in time."));
        }
    }

    /// <summary>The guard's view of the connection an HTTP request came on (null outside Kestrel, e.g. in-memory tests).</summary>
    public static State? Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(StateKey, out var state) == true ? state as State : null;

    /// <summary>What the guard knows about one connection.</summary>
    internal sealed class State(bool reserved)
    {
        private int _requests;

        /// <summary>Accepted past the API limit: serves health and metrics only.</summary>
        public bool Reserved { get; } = reserved;

        /// <summary>No request has started on it: it may be closed for holding a connection without using it.</summary>
        public bool Unused => Volatile.Read(ref _requests) == 0;

        /// <summary>A request started on the connection.</summary>
        public void Started() => Interlocked.Increment(ref _requests);
    }
}
