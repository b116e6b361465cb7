using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tenancy.Leases;

/// <summary>Renews, refills and returns this silo's leases every <see cref="LeaseOptions.CheckInterval"/>; returns them all on stop.</summary>
internal sealed class LeaseKeeper(SiloLeases leases, IOptions<LeaseOptions> options, TimeProvider time) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await leases.ReleaseAllAsync().WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await leases.MaintainAsync();
        }
    }
}
