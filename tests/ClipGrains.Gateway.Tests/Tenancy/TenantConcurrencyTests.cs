using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tests.Tenancy;

public sealed class TenantConcurrencyTests
{
    private static DefaultEndpointFilterInvocationContext Call(string tenant)
    {
        var http = new DefaultHttpContext();
        RequestTenant.Set(http, tenant);
        return new DefaultEndpointFilterInvocationContext(http);
    }

    [Fact]
    public async Task A_tenant_past_its_concurrent_requests_waits_and_is_refused_when_none_ends_in_time_while_others_run()
    {
        var limiter = new TenantConcurrency(Options.Create(new GatewayOptions { MaxConcurrentRequestsPerTenant = 1, RequestTimeout = TimeSpan.FromMilliseconds(200) }));
        var release = new TaskCompletionSource<object?>();
        var running = limiter.InvokeAsync(Call("a"), _ => new ValueTask<object?>(release.Task)).AsTask();

        var refused = await Assert.ThrowsAsync<ApiException>(() => limiter.InvokeAsync(Call("a"), _ => ValueTask.FromResult<object?>("second")).AsTask());
        var other = await limiter.InvokeAsync(Call("b"), _ => ValueTask.FromResult<object?>("other"));

        Assert.Equal((429, "too_many_concurrent_requests"), (refused.Status, refused.Code));
        Assert.Equal("other", other);
        Assert.Equal(1, limiter.Users("a"));
        release.SetResult("first");
        Assert.Equal("first", await running);
        Assert.Equal(0, limiter.Users("a"));
    }

    [Fact]
    public async Task A_waiting_request_starts_as_soon_as_one_of_its_tenant_ends()
    {
        var limiter = new TenantConcurrency(Options.Create(new GatewayOptions { MaxConcurrentRequestsPerTenant = 1, RequestTimeout = TimeSpan.FromMinutes(1) }));
        var release = new TaskCompletionSource<object?>();
        var running = limiter.InvokeAsync(Call("a"), _ => new ValueTask<object?>(release.Task)).AsTask();
        var waiting = limiter.InvokeAsync(Call("a"), _ => ValueTask.FromResult<object?>("second")).AsTask();

        Assert.False(waiting.IsCompleted);
        release.SetResult("first");

        Assert.Equal("second", await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("first", await running);
    }
}
