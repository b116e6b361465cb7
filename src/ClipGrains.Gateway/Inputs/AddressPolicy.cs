using System.Net;
using System.Net.Sockets;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// Which resolved addresses a URL fetch may connect to: public unicast only. Loopback, private, carrier-grade NAT,
/// link-local (cloud metadata at 169.254.169.254 included), unspecified, multicast and reserved ranges are refused,
/// for IPv4, IPv6 and IPv4-mapped IPv6 alike.
/// </summary>
internal static class AddressPolicy
{
    private static readonly (IPAddress Network, int Prefix)[] Blocked =
    [
        (IPAddress.Parse("0.0.0.0"), 8), (IPAddress.Parse("10.0.0.0"), 8), (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8), (IPAddress.Parse("169.254.0.0"), 16), (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.0.0.0"), 24), (IPAddress.Parse("192.0.2.0"), 24), (IPAddress.Parse("192.168.0.0"), 16),
        (IPAddress.Parse("198.18.0.0"), 15), (IPAddress.Parse("198.51.100.0"), 24), (IPAddress.Parse("203.0.113.0"), 24),
        (IPAddress.Parse("224.0.0.0"), 4), (IPAddress.Parse("240.0.0.0"), 4),
        (IPAddress.Parse("::"), 128), (IPAddress.Parse("::1"), 128), (IPAddress.Parse("fc00::"), 7),
        (IPAddress.Parse("fe80::"), 10), (IPAddress.Parse("ff00::"), 8), (IPAddress.Parse("64:ff9b::"), 96),
        (IPAddress.Parse("2001:db8::"), 32),
    ];

    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return !Blocked.Any(b => b.Network.AddressFamily == address.AddressFamily && InNetwork(address, b.Network, b.Prefix));
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var fullBytes = prefix / 8;
        if (!a.AsSpan(0, fullBytes).SequenceEqual(n.AsSpan(0, fullBytes)))
        {
            return false;
        }

        var bits = prefix % 8;
        return bits == 0 || (a[fullBytes] >> (8 - bits)) == (n[fullBytes] >> (8 - bits));
    }

    public static bool IsInternetFamily(AddressFamily family) => family is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
}
