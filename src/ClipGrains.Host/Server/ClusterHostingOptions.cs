using ClipGrains.Grains.Postgres;

namespace ClipGrains.Host.Server;

/// <summary><c>ClipGrains:Cluster</c>: how this process joins a cluster and where durable state lives.</summary>
internal sealed class ClusterHostingOptions
{
    /// <summary><c>localhost</c> (default: one machine, SQLite file) or <c>postgres</c> (multi-silo, PostgreSQL).</summary>
    public string Provider { get; set; } = "localhost";

    /// <summary>Silo-to-silo port (TCP).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port; 0 turns it off (the HTTP gateway is co-hosted and needs none).</summary>
    public int GatewayPort { get; set; }

    /// <summary>Silos with the same cluster id form one cluster; a blue/green upgrade uses a second id on the same database.</summary>
    public string ClusterId { get; set; } = "clipgrains";

    /// <summary>Names the durable state; keep it fixed for the life of a deployment.</summary>
    public string ServiceId { get; set; } = "clipgrains";

    /// <summary>Address other silos reach this one at; default: <c>POD_IP</c>, else the first non-loopback IPv4 address.</summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>Listen on every interface (containers) instead of only the advertised address.</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>
    /// Running as Kubernetes pods (Orleans' Kubernetes hosting): silo name and address come from <c>POD_NAME</c> and
    /// <c>POD_IP</c>, and silos whose pods are gone are declared dead at once instead of after missed probes.
    /// Needs the pod labels and RBAC of <c>infra/k8s</c>.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>PostgreSQL settings, used when <see cref="Provider"/> is <c>postgres</c>.</summary>
    public PostgresOptions Postgres { get; set; } = new();

    /// <summary>Whether <see cref="Provider"/> selects PostgreSQL.</summary>
    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);
}
