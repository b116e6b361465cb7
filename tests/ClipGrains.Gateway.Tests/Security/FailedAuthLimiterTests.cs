using System.Net;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Security;
using ClipGrains.Abstractions.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Gateway.Tests.Security;

public sealed class FailedAuthLimiterTests
{
    private static DefaultHttpContext From(string address) => new() { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };

    [Fact]
    public async Task An_address_that_used_its_failures_is_refused_before_any_lookup_and_others_are_not()
    {
        var time = new FakeTimeProvider();
        using var limiter = new FailedAuthLimiter(Options.Create(new AuthOptions { FailedAttemptsPerMinute = 3, FailureDelay = TimeSpan.Zero }), time);
        var attacker = From("10.0.0.1");
        for (var i = 0; i < 3; i++)
        {
            limiter.ThrowIfBlocked(attacker, AuthRealm.Tenant);
            await limiter.FailedAsync(attacker, AuthRealm.Tenant, time.GetTimestamp());
        }

        var refused = Assert.Throws<ApiException>(() => limiter.ThrowIfBlocked(attacker, AuthRealm.Tenant));
        Assert.Equal(429, refused.Status);
        Assert.Equal("too_many_failed_authentications", refused.Code);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.RetryAfter);
        limiter.ThrowIfBlocked(From("10.0.0.2"), AuthRealm.Tenant);
    }

    [Fact]
    public async Task Blocks_with_the_system_clock_and_distinct_address_objects()
    {
        using var limiter = new FailedAuthLimiter(Options.Create(new AuthOptions { FailedAttemptsPerMinute = 3, FailureDelay = TimeSpan.Zero }), TimeProvider.System);
        for (var i = 0; i < 3; i++)
        {
            var context = From("127.0.0.1");
            limiter.ThrowIfBlocked(context, AuthRealm.Tenant);
            await limiter.FailedAsync(context, AuthRealm.Tenant, TimeProvider.System.GetTimestamp());
        }

        Assert.Throws<ApiException>(() => limiter.ThrowIfBlocked(From("127.0.0.1"), AuthRealm.Tenant));
    }

    [Fact]
    public async Task Every_failure_takes_at_least_the_failure_delay_from_its_arrival()
    {
        var time = new FakeTimeProvider();
        using var limiter = new FailedAuthLimiter(Options.Create(new AuthOptions { FailureDelay = TimeSpan.FromMilliseconds(25) }), time);
        var started = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(10)); // the lookup took 10 ms
        var failed = limiter.FailedAsync(From("10.0.0.1"), AuthRealm.Tenant, started);
        time.Advance(TimeSpan.FromMilliseconds(14));
        Assert.False(failed.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await failed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_tenants_failures_do_not_lock_the_operator_out_from_the_same_address_nor_the_reverse()
    {
        var time = new FakeTimeProvider();
        using var limiter = new FailedAuthLimiter(Options.Create(new AuthOptions { FailedAttemptsPerMinute = 2, FailureDelay = TimeSpan.Zero }), time);
        var shared = From("10.0.0.7");
        for (var i = 0; i < 2; i++)
        {
            await limiter.FailedAsync(shared, AuthRealm.Tenant, time.GetTimestamp());
        }

        Assert.Equal("too_many_failed_authentications", Assert.Throws<ApiException>(() => limiter.ThrowIfBlocked(shared, AuthRealm.Tenant)).Code);
        limiter.ThrowIfBlocked(shared, AuthRealm.Operator);
        await limiter.FailedAsync(shared, AuthRealm.Operator, time.GetTimestamp());
        limiter.ThrowIfBlocked(shared, AuthRealm.Operator);
        await limiter.FailedAsync(shared, AuthRealm.Operator, time.GetTimestamp());
        Assert.Throws<ApiException>(() => limiter.ThrowIfBlocked(shared, AuthRealm.Operator));
    }
}
