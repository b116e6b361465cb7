using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Connections;

/// <summary>
/// Counts open connections at the transport (Kestrel connection middleware, before any HTTP parsing): up to
/// <see cref="ConnectionOptions.MaxConnections"/> are served normally, the next <see cref="ConnectionOptions.HealthReserve"/>
/// only for health and metrics, and any more are dropped at once. A connection that has not authenticated within
/// <see cref="ConnectionOptions.UnauthenticatedTimeout"/> and is idle is closed.
/// </summary>
internal sealed class ConnectionGuard(IOptions<ConnectionOptions> options, TimeProvider time)
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
            using var idle = time.CreateTimer(
                _ =>
                {
                    if (state.MayClose)
                    {
                        connection.Abort(new ConnectionAbortedException("No authenticated request in time."));
                    }
                },
                null, o.UnauthenticatedTimeout, Timeout.InfiniteTimeSpan);
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    };

    /// <summary>The guard's view of the connection an HTTP request came on (null outside Kestrel, e.g. in-memory tests).</summary>
    public static State? Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(StateKey, out var state) == true ? state as State : null;

    /// <summary>What the guard knows about one connection.</summary>
    internal sealed class State(bool reserved)
    {
        private int _inFlight;
        private volatile bool _authenticated;

        /// <summary>Accepted past the API limit: serves health and metrics only.</summary>
        public bool Reserved { get; } = reserved;

        /// <summary>Idle and never authenticated: may be closed.</summary>
        public bool MayClose => !_authenticated && Volatile.Read(ref _inFlight) == 0;

        public void Authenticated() => _authenticated = true;

        public void Enter() => Interlocked.Increment(ref _inFlight);

        public void Exit() => Interlocked.Decrement(ref _inFlight);
    }
}
