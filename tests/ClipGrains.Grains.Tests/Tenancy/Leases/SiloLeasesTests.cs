using System.Reflection;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tenancy.Leases;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Grains.Tests.Tenancy.Leases;

public sealed class SiloLeasesTests
{
    [Fact]
    public async Task A_tenant_still_sending_keeps_its_demand_count_and_is_forgotten_only_when_idle()
    {
        // Below the lease rate nothing asks the ledger, so the grain factory and the log are never called.
        var time = new FakeTimeProvider();
        var leases = new SiloLeases(
            Unused<IGrainFactory>(), Unused<IUsageLog>(), Options.Create(new LeaseOptions { MinRequestsPerSecond = 1_000 }), time, NullLogger<SiloLeases>.Instance);

        Assert.Null(leases.TryAdmit("tn_a", new Charge(0, 1, 1), out _));
        time.Advance(TimeSpan.FromMilliseconds(300));
        await leases.MaintainAsync();
        Assert.True(leases.Held().ContainsKey("tn_a"), "an entry counting this second's demand was dropped by the check");

        time.Advance(TimeSpan.FromSeconds(2));
        await leases.MaintainAsync();
        Assert.False(leases.Held().ContainsKey("tn_a"));
    }

    // A stand-in that fails the test if the code under test calls it at all.
    private static T Unused<T>()
        where T : class => DispatchProxy.Create<T, UnusedProxy>();

    public class UnusedProxy : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"{targetMethod?.Name} was not expected to be called.");
    }
}
