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

    [Fact]
    public async Task Spend_is_reported_to_the_ledger_only_once_the_usage_log_has_written_it_and_a_lease_is_not_returned_before()
    {
        var time = new FakeTimeProvider();
        var ledger = DispatchProxy.Create<ITenantGrain, Ledger>();
        var log = DispatchProxy.Create<IUsageLog, Log>();
        var grains = DispatchProxy.Create<IGrainFactory, Grains>();
        ((Grains)(object)grains).Ledger = ledger;
        var leases = new SiloLeases(
            grains, log, Options.Create(new LeaseOptions { MinRequestsPerSecond = 1, FlushPatience = TimeSpan.FromSeconds(1) }), time, NullLogger<SiloLeases>.Instance);
        var requests = ((Ledger)(object)ledger).Requests;

        Assert.Null(leases.TryAdmit("tn_a", new Charge(0, 1, 1), out _)); // the first lease is asked for
        await leases.RefillsAsync();
        var ticket = leases.TryAdmit("tn_a", new Charge(0, 1, 1), out _)!;
        await leases.SettleAsync(ticket, new UsageRecord("r1", "tn_a", "k", "m", "createEmbedding", 0, 1, 1, time.GetUtcNow()));

        // Idle: the lease would be returned with its spend, but the log cannot write it (its store is down).
        var gate = ((Log)(object)log).Written;
        time.Advance(TimeSpan.FromSeconds(3));
        var maintained = leases.MaintainAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        await maintained;
        Assert.Single(requests);
        Assert.NotEqual(0, leases.Held()["tn_a"]); // still held: not returned with its spend unwritten

        // Written: the next check returns the lease and reports the spend with it.
        gate.SetResult();
        ((Log)(object)log).Written = new TaskCompletionSource();
        ((Log)(object)log).Written.SetResult();
        await leases.MaintainAsync();
        Assert.Equal(2, requests.Count);
        Assert.Equal((1L, true), (requests[1].Spent, requests[1].Release));
    }

    public class Grains : DispatchProxy
    {
        public ITenantGrain Ledger { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == "GetGrain" ? Ledger : throw new InvalidOperationException($"{targetMethod?.Name} was not expected to be called.");
    }

    public class Ledger : DispatchProxy
    {
        public List<LeaseRequest> Requests { get; } = [];

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(ITenantGrain.Lease))
            {
                throw new InvalidOperationException($"{targetMethod?.Name} was not expected to be called.");
            }

            var request = (LeaseRequest)args![0]!;
            Requests.Add(request);
            return Task.FromResult(request.Release
                ? new LeaseGrant(0, 0, 0, 0, DateTimeOffset.MinValue)
                : new LeaseGrant(7, request.Credits, request.Requests, request.Images, new DateTimeOffset(2000, 1, 1, 0, 0, 30, TimeSpan.Zero)));
        }
    }

    public class Log : DispatchProxy
    {
        public TaskCompletionSource Written { get; set; } = new();

#pragma warning disable CA2012 // A proxy hands the ValueTask back as an object; its one caller awaits it once.
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IUsageLog.AppendAsync) => Queued(),
            nameof(IUsageLog.FlushAsync) => Written.Task,
            _ => throw new InvalidOperationException($"{targetMethod?.Name} was not expected to be called."),
        };

#pragma warning restore CA2012

        private static ValueTask<bool> Queued() => ValueTask.FromResult(true);
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
