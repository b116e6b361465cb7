using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Gateway.Connections;

/// <summary>
/// Connection limits of the HTTP gateway, below the process's open-file limit so that a flood of idle connections
/// cannot lock every tenant out. Bound from <c>ClipGrains:Gateway:Connections</c>; see docs/security.md.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>Open connections served for the API; past it a connection is only served for health and metrics.</summary>
    public int MaxConnections { get; set; } = 4096;

    /// <summary>
    /// Connections accepted past <see cref="MaxConnections"/> that answer only health probes and metrics (anything else
    /// 503 and closed), so a load balancer can still see the silo while it is flooded. Past both, connections are dropped.
    /// </summary>
    public int HealthReserve { get; set; } = 64;

    /// <summary>
    /// A connection that has carried no request this long after it opened is asked to close (gracefully): holding a
    /// connection is for clients that use it. One that served a request is left to <see cref="KeepAliveTimeout"/>
    /// (a 401 closes its connection anyway); with authentication off none is cut.
    /// </summary>
    public TimeSpan UnauthenticatedTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Kestrel's idle keep-alive for everyone else (its default is 130 s).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest a client may take to send a request's headers.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>What is wrong with these settings (<c>ClipGrains:Gateway:Connections</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .Positive(nameof(MaxConnections), MaxConnections)
            .NotNegative(nameof(HealthReserve), HealthReserve)
            .Positive(nameof(UnauthenticatedTimeout), UnauthenticatedTimeout)
            .Positive(nameof(KeepAliveTimeout), KeepAliveTimeout)
            .Positive(nameof(RequestHeadersTimeout), RequestHeadersTimeout);
    }
}
