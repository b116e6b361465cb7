using System.Net;
using System.Net.Sockets;

namespace ClipGrains.Host.Server;

/// <summary>
/// Refuses to start on a silo or gateway port that another process already listens on. Orleans' listener allows
/// address reuse, so a second silo on the same port starts "fine" and then answers for the first one: probes meant
/// for a dead silo reach a live process, and the dead one is never declared dead.
/// </summary>
internal static class PortProbe
{
    /// <summary>Throws <see cref="ConfigurationException"/> naming <paramref name="setting"/> when the port is taken.</summary>
    public static void EnsureFree(IPAddress address, int port, string setting)
    {
        if (port <= 0)
        {
            return;
        }

        // A plain socket (no SO_REUSEADDR/SO_REUSEPORT) cannot bind a port someone is listening on.
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new ConfigurationException(
                $"{setting}={port} is already in use on {address} (another clipgrains serve?); give each silo on a host its own port.");
        }
    }
}
