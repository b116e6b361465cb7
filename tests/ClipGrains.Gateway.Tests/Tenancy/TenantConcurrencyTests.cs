using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Gateway.Tests.Tenancy;

public sealed class TenantConcurrencyTests
{
    private static DefaultEndpointFilterInvocationContext Call(string tenant)
    {
        var http = new DefaultHttpContext { User = RequestTenant.Principal(tenant, "test") };
        return new DefaultEndpointFilterInvocationContext(http);
    }

    private readonly FakeTimeProvider _time = new();

    private TenantConcurrency Limiter(TimeSpan timeout) =>
        new(Options.Create(new GatewayOptions { MaxConcurrentRequestsPerTenant = 1, MaxRequestsPerTenantAlone = 3, RequestTimeout = timeout }), _time);

    private static Task<object?> Hold(TenantConcurrency limiter, string tenant, TaskCompletionSource<object?> release) =>
        limiter.InvokeAsync(Call(tenant), _ => new ValueTask<object?>(release.Task)).AsTask();

    [Fact]
    public async Task A_tenant_alone_on_the_silo_runs_past_its_share_up_to_the_lone_tenant_bound_and_the_next_waits()
    {
        var limiter = Limiter(TimeSpan.FromMinutes(1));
        var release = new TaskCompletionSource<object?>();
        var running = Enumerable.Range(0, 3).Select(_ => Hold(limiter, "a", release)).ToList();
        var fourthRelease = new TaskCompletionSource<object?>();

        var fourth = Hold(limiter, "a", fourthRelease);

        Assert.Equal((3, false), (limiter.Running("a"), fourth.IsCompleted));
        release.SetResult("done");
        await Task.WhenAll(running);
        Assert.Equal(1, limiter.Running("a"));
        fourthRelease.SetResult("fourth");
        Assert.Equal("fourth", await fourth);
        Assert.Equal(0, limiter.Running("a"));
    }

    [Fact]
    public async Task While_another_tenant_has_requests_a_tenant_past_its_share_waits_and_is_refused_when_none_ends_in_time()
    {
        var limiter = Limiter(TimeSpan.FromMilliseconds(200));
        var releaseA = new TaskCompletionSource<object?>();
        var releaseB = new TaskCompletionSource<object?>();
        var a1 = Hold(limiter, "a", releaseA);
        var b1 = Hold(limiter, "b", releaseB);

        var refused = await Assert.ThrowsAsync<ApiException>(() => limiter.InvokeAsync(Call("a"), _ => ValueTask.FromResult<object?>("a2")).AsTask());

        Assert.Equal((429, "too_many_concurrent_requests"), (refused.Status, refused.Code));
        Assert.Equal((1, 1), (limiter.Running("a"), limiter.Running("b")));
        releaseA.SetResult("a1");
        releaseB.SetResult("b1");
        await Task.WhenAll(a1, b1);
    }

    [Fact]
    public async Task A_waiting_request_starts_when_its_tenant_ends_one_or_is_left_alone()
    {
        var limiter = Limiter(TimeSpan.FromMinutes(1));
        var releaseA = new TaskCompletionSource<object?>();
        var releaseB = new TaskCompletionSource<object?>();
        var a1 = Hold(limiter, "a", releaseA);
        var b1 = Hold(limiter, "b", releaseB);
        var releaseB2 = new TaskCompletionSource<object?>();
        var a2 = limiter.InvokeAsync(Call("a"), _ => ValueTask.FromResult<object?>("a2")).AsTask();
        var b2 = Hold(limiter, "b", releaseB2);
        Assert.False(a2.IsCompleted);
        Assert.Equal(1, limiter.Running("b"));

        // b's first request ends: b's waiting one takes its place, and a still waits (b is still here).
        releaseB.SetResult("b1");
        await b1;
        Assert.Equal(1, limiter.Running("b"));
        Assert.False(a2.IsCompleted);

        // b has nothing left here, but counts as present for the sharing window: a client sending one request at a time
        // must find its share free when its next request comes.
        releaseB2.SetResult("b2");
        Assert.Equal("b2", await b2);
        Assert.False(a2.IsCompleted);

        // Past the window a is alone and no longer limited: its next arrival or departure starts what waits.
        _time.Advance(TenantConcurrency.SharingWindow + TimeSpan.FromMilliseconds(1));
        Assert.Equal("a3", await limiter.InvokeAsync(Call("a"), _ => ValueTask.FromResult<object?>("a3")));
        Assert.Equal("a2", await a2.WaitAsync(TimeSpan.FromSeconds(30)));
        releaseA.SetResult("a1");
        Assert.Equal("a1", await a1);
    }

    [Fact]
    public async Task A_request_that_waited_is_refused_when_its_key_was_revoked_meanwhile_and_frees_its_place()
    {
        var keys = new SwitchableKeys();
        var limiter = new TenantConcurrency(
            Options.Create(new GatewayOptions { MaxConcurrentRequestsPerTenant = 1, RequestTimeout = TimeSpan.FromMinutes(1) }), _time,
            new ClipGrains.Gateway.Security.KeyRecheck(keys, Options.Create(new Abstractions.Tenancy.AuthOptions { Required = true })));
        var releaseA = new TaskCompletionSource<object?>();
        var releaseB = new TaskCompletionSource<object?>();
        var a1 = Hold(limiter, "a", releaseA);
        var b1 = Hold(limiter, "b", releaseB);
        var queued = Call("a");
        queued.HttpContext.Request.Headers.Authorization = "Bearer " + Abstractions.Tenancy.ApiKeyMaterial.Format("key0000000ab", new string('s', 43));
        var ran = false;
        var a2 = limiter.InvokeAsync(queued, _ =>
        {
            ran = true;
            return ValueTask.FromResult<object?>("a2");
        }).AsTask();
        Assert.False(a2.IsCompleted);

        keys.Revoked = true;
        releaseA.SetResult("a1");
        await a1;

        var refused = await Assert.ThrowsAsync<ApiException>(() => a2);
        Assert.Equal((401, "invalid_api_key", false), (refused.Status, refused.Code, ran));
        Assert.Equal((0, 1), (limiter.Running("a"), limiter.Running("b")));
        releaseB.SetResult("b1");
        await b1;
    }

    private sealed class SwitchableKeys : Abstractions.Tenancy.IKeyAuthenticator
    {
        public bool Revoked { get; set; }

        public Task<Abstractions.Tenancy.KeyVerdict> AuthenticateAsync(string keyId, byte[] secretHash) =>
            Task.FromResult(new Abstractions.Tenancy.KeyVerdict(Revoked ? null : "a", Exists: true));
    }
}
