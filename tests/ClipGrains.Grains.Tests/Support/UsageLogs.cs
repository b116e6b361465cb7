using ClipGrains.Abstractions.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace ClipGrains.Grains.Tests.Support;

/// <summary>A tenant's usage records as the cluster's silos wrote them (each silo's log flushed first).</summary>
public static class UsageLogs
{
    public static async Task<IReadOnlyList<UsageRecord>> RecordsAsync(InProcessTestCluster cluster, string tenant)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var records = new Dictionary<string, UsageRecord>(StringComparer.Ordinal);
        foreach (var silo in cluster.Silos)
        {
            var log = silo.ServiceProvider.GetRequiredService<IUsageLog>();
            await log.FlushAsync();
            await foreach (var record in log.ReadAsync(tenant, DateTimeOffset.MinValue, DateTimeOffset.MaxValue))
            {
                records.TryAdd(record.Id, record);
            }
        }

        return [.. records.Values.OrderBy(r => r.At).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }
}
