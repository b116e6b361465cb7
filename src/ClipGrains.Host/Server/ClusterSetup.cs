using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using ClipGrains.Grains;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace ClipGrains.Host.Server;

/// <summary>Chooses membership and storage from <c>ClipGrains:Cluster</c>.</summary>
internal static class ClusterSetup
{
    /// <summary>Initial liveness-probe timeout of a serving cluster (Orleans' own default is 5 s).</summary>
    public static readonly TimeSpan ServingProbeTimeout = TimeSpan.FromSeconds(1);

    public static ClusterHostingOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection("ClipGrains:Cluster").Get<ClusterHostingOptions>() ?? new ClusterHostingOptions();
        if (!options.IsPostgres && !string.Equals(options.Provider, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException($"ClipGrains:Cluster:Provider must be 'localhost' or 'postgres', not '{options.Provider}'.");
        }

        // A generated operator key lives in one silo's data directory; in a cluster every silo must accept the same one.
        if (options.IsPostgres && string.IsNullOrWhiteSpace(configuration["ClipGrains:Admin:ApiKey"]))
        {
            throw new ConfigurationException("ClipGrains:Cluster:Provider is postgres: set ClipGrains:Admin:ApiKey (the same on every silo) so each silo accepts the same operator key.");
        }

        return options;
    }

    /// <summary>Refuses to start when the silo or Orleans gateway port is already bound on the address Orleans will listen on.</summary>
    public static void EnsurePortsFree(ClusterHostingOptions options)
    {
        var address = !options.IsPostgres ? IPAddress.Loopback : options.ListenOnAnyAddress ? IPAddress.Any : AdvertisedAddress(options);
        PortProbe.EnsureFree(address, options.SiloPort, "ClipGrains:Cluster:SiloPort");
        PortProbe.EnsureFree(address, options.GatewayPort, "ClipGrains:Cluster:GatewayPort");
    }

    public static void Configure(ISiloBuilder silo, ClusterHostingOptions options, IConfiguration configuration, string dataDirectory)
    {
        // Failure detection tuned for a serving cluster: a silo that misses 3 probes of 1 s (Orleans adapts each probe's
        // timeout between 0.5 and 4 s, and stretches it while the prober itself is degraded) is suspected, and 2 votes
        // declare it dead: about 3-5 s from a kill to takeover instead of Orleans' 3 x 5 s. The price is that a silo
        // frozen for 3 s (a long GC pause, a starved VM) is declared dead and restarts; docs/operations.md has the
        // trade-off. Every knob keeps Orleans' name under ClipGrains:Cluster:Membership and overrides these.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ServingProbeTimeout;
            o.NumMissedProbesLimit = 3;
            o.ExtendProbeTimeoutDuringDegradation = true;
        });
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection("ClipGrains:Cluster:Membership"));
        if (!options.IsPostgres)
        {
            silo.UseLocalhostClustering(siloPort: options.SiloPort, gatewayPort: options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddClipGrainsSqliteStorage(Path.Combine(dataDirectory, "clipgrains.db"));
            return;
        }

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        var advertised = AdvertisedAddress(options);
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = advertised;
            o.SiloPort = options.SiloPort;
            o.GatewayPort = options.GatewayPort;
            if (options.ListenOnAnyAddress)
            {
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, options.SiloPort);
                o.GatewayListeningEndpoint = options.GatewayPort > 0 ? new IPEndPoint(IPAddress.Any, options.GatewayPort) : null;
            }
        });
        silo.UseClipGrainsPostgres(options.Postgres);
        if (options.Kubernetes)
        {
            silo.UseKubernetesHosting();
        }
    }

    private static IPAddress AdvertisedAddress(ClusterHostingOptions options)
    {
        var configured = options.AdvertisedIp ?? Environment.GetEnvironmentVariable("POD_IP");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return IPAddress.TryParse(configured, out var parsed)
                ? parsed
                : throw new ConfigurationException($"ClipGrains:Cluster:AdvertisedIp '{configured}' is not an IP address.");
        }

        var candidate = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
        return candidate ?? IPAddress.Loopback;
    }
}
