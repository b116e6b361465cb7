using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Security;
using ClipGrains.Gateway.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tests.Tenancy;

/// <summary>What the filter decides before a handler reads a request's body.</summary>
public sealed class TenantRateLimitFilterTests
{
    private static readonly AdmissionResult Suspended = new(AdmissionOutcome.Refused, null, null, null, 0, "suspended", DateTimeOffset.MaxValue);

    [Fact]
    public async Task A_charged_route_of_a_tenant_with_a_refusal_that_holds_is_refused_without_running_its_handler_or_asking_the_ledger()
    {
        var meter = new StubMeter { Refusal = Suspended };
        var (context, handler) = Request("POST", charged: true);

        var error = await Assert.ThrowsAsync<ApiException>(async () => await Filter(meter).InvokeAsync(context, handler.Next));

        Assert.Equal((401, "invalid_api_key"), (error.Status, error.Code));
        Assert.Equal((0, 0, 1), (handler.Calls, meter.Takes, meter.RefusalLookups));
    }

    [Fact]
    public async Task A_charged_route_with_no_refusal_on_record_runs_its_handler_which_the_meter_admits()
    {
        var meter = new StubMeter();
        var (context, handler) = Request("POST", charged: true);

        await Filter(meter).InvokeAsync(context, handler.Next);

        Assert.Equal((1, 0, 1), (handler.Calls, meter.Takes, meter.RefusalLookups));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("DELETE", false)]
    public async Task A_route_that_is_not_charged_takes_one_from_the_read_or_request_limit(string method, bool read)
    {
        var meter = new StubMeter();
        var (context, handler) = Request(method, charged: false);

        await Filter(meter).InvokeAsync(context, handler.Next);

        Assert.Equal((1, 1, read), (handler.Calls, meter.Takes, meter.LastRead));
    }

    [Fact]
    public async Task A_route_that_is_not_charged_and_refused_by_the_ledger_is_429_with_retry_after()
    {
        var meter = new StubMeter { Taken = new AdmissionResult(AdmissionOutcome.RateLimited, null, null, TimeSpan.FromSeconds(7), 10) };
        var (context, handler) = Request("GET", charged: false);

        var error = await Assert.ThrowsAsync<ApiException>(async () => await Filter(meter).InvokeAsync(context, handler.Next));

        Assert.Equal((429, "rate_limit_exceeded", TimeSpan.FromSeconds(7)), (error.Status, error.Code, error.RetryAfter));
        Assert.Equal(0, handler.Calls);
    }

    private static TenantRateLimitFilter Filter(ITenantMeter meter) => new(meter, Options.Create(new AuthOptions { Required = true }));

    private static (EndpointFilterInvocationContext Context, Handler Handler) Request(string method, bool charged)
    {
        var http = new DefaultHttpContext { User = RequestTenant.Principal("tn_a", AuthSchemes.ApiKey, "key_a") };
        http.Request.Method = method;
        http.SetEndpoint(new Endpoint(null, charged ? new EndpointMetadataCollection(ChargedEndpoint.Instance) : EndpointMetadataCollection.Empty, "test"));
        return (new DefaultEndpointFilterInvocationContext(http), new Handler());
    }

    private sealed class Handler
    {
        public int Calls { get; private set; }

        public ValueTask<object?> Next(EndpointFilterInvocationContext context)
        {
            Calls++;
            return ValueTask.FromResult<object?>(null);
        }
    }

    private sealed class StubMeter : ITenantMeter
    {
        public AdmissionResult? Refusal { get; init; }

        public AdmissionResult Taken { get; init; } = new(AdmissionOutcome.Admitted, null, null, null, 10);

        public int Takes { get; private set; }

        public int RefusalLookups { get; private set; }

        public bool? LastRead { get; private set; }

        public Task<MeterOutcome> RunAsync(MeteredRequest request, Func<MeterTicket, Task<MeteredWork>> work) =>
            throw new InvalidOperationException("The filter never runs work.");

        public Task<AdmissionResult> TakeAsync(string tenant, bool read)
        {
            Assert.Equal("tn_a", tenant);
            Takes++;
            LastRead = read;
            return Task.FromResult(Taken);
        }

        public AdmissionResult? RecentRefusal(string tenant)
        {
            Assert.Equal("tn_a", tenant);
            RefusalLookups++;
            return Refusal;
        }

        public ValueTask<AdmissionResult?> RefusalBeforeBodyAsync(string tenant) => ValueTask.FromResult(RecentRefusal(tenant));
    }
}
