using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Gateway.Admin;
using ClipGrains.Gateway.Inputs;
using ClipGrains.Gateway.Tenancy;
using ClipGrains.Gateway;
using ClipGrains.Grains.Cluster;
using ClipGrains.Grains.Serving;
using ClipGrains.Grains.Tenancy;
using ClipGrains.Host.Server;
using ClipGrains.Inference.Model;

namespace ClipGrains.Host.Tests.Infra;

/// <summary>
/// The configuration keys the server binds, found by reflection over the options classes each section is bound to,
/// so an environment variable in a manifest that names no real setting (a typo, a renamed option) fails a test.
/// </summary>
internal static class ConfigurationKeys
{
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ClipGrains:Cluster"] = typeof(ClusterHostingOptions),
        ["ClipGrains:Cluster:Membership"] = typeof(Orleans.Configuration.ClusterMembershipOptions),
        ["ClipGrains:Model"] = typeof(ClipModelOptions),
        ["ClipGrains:Batching"] = typeof(BatchingOptions),
        ["ClipGrains:FanOut"] = typeof(FanOutOptions),
        ["ClipGrains:LabelSets"] = typeof(LabelSetBuildOptions),
        ["ClipGrains:Tenancy"] = typeof(TenancyOptions),
        ["ClipGrains:Gateway"] = typeof(GatewayOptions),
        ["ClipGrains:Auth"] = typeof(ClipGrains.Abstractions.Tenancy.AuthOptions),
        ["ClipGrains:Pricing"] = typeof(PricingOptions),
        ["ClipGrains:Admin"] = typeof(AdminOptions),
        ["ClipGrains:ImageUrls"] = typeof(ImageUrlOptions),
        ["ClipGrains:UsageLog"] = typeof(ClipGrains.Grains.Usage.UsageLogOptions),
        ["ClipGrains:Leases"] = typeof(ClipGrains.Grains.Tenancy.Leases.LeaseOptions),
    };

    /// <summary>Keys read directly rather than through an options class.</summary>
    private static readonly HashSet<string> Scalars = new(StringComparer.OrdinalIgnoreCase)
    {
        "ClipGrains:DataDirectory",
        "ClipGrains:Telemetry:PrometheusPath",
    };

    /// <summary>Null when <paramref name="environmentName"/> (<c>ClipGrains__Section__Key</c>) is a real setting and its value converts; else why not.</summary>
    public static string? Problem(string environmentName, string value)
    {
        var key = environmentName.Replace("__", ":", StringComparison.Ordinal);
        if (Scalars.Contains(key))
        {
            return null;
        }

        foreach (var (section, type) in Sections.OrderByDescending(s => s.Key.Length))
        {
            if (!key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var current = type;
            PropertyInfo? property = null;
            foreach (var segment in key[(section.Length + 1)..].Split(':'))
            {
                property = current.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (property is null)
                {
                    return $"{environmentName}: {current.Name} has no setting '{segment}'";
                }

                current = property.PropertyType;
            }

            var target = Nullable.GetUnderlyingType(property!.PropertyType) ?? property.PropertyType;
            try
            {
                _ = TypeDescriptor.GetConverter(target).ConvertFromString(null, CultureInfo.InvariantCulture, value);
                return null;
            }
            catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
            {
                return $"{environmentName}: '{value}' is not a valid {target.Name}";
            }
        }

        return $"{environmentName}: no ClipGrains configuration section matches";
    }
}
