using ClipGrains.Gateway.Errors;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// Bounds how many requests of one tenant a silo works on at once (<see cref="GatewayOptions.MaxConcurrentRequestsPerTenant"/>).
/// The CPU a request uses before it reaches the fair queues (reading and parsing its body, hashing images, encoding
/// the answer) is not divided by tenant anywhere else, so a tenant with 16 heavy requests in flight could still starve
/// another tenant's light one on a small machine. Requests past the bound wait, in order, before their body is read;
/// one that cannot start before the request timeout gets 429 with Retry-After. Slots of idle tenants are forgotten.
/// </summary>
internal sealed class TenantConcurrency(IOptions<GatewayOptions> options) : IEndpointFilter
{
    private readonly Dictionary<string, Slots> _tenants = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var tenant = RequestTenant.Of(context.HttpContext);
        var slots = Enter(tenant);
        try
        {
            var started = await slots.Semaphore.WaitAsync(options.Value.RequestTimeout, context.HttpContext.RequestAborted);
            if (!started)
            {
                throw new ApiException(429, "rate_limit_exceeded", "too_many_concurrent_requests",
                    $"This tenant already has {options.Value.MaxConcurrentRequestsPerTenant} requests in progress on this server and this one could not start in time; send fewer at once.")
                {
                    RetryAfter = TimeSpan.FromSeconds(1),
                };
            }

            try
            {
                return await next(context);
            }
            finally
            {
                slots.Semaphore.Release();
            }
        }
        finally
        {
            Leave(tenant, slots);
        }
    }

    /// <summary>Requests of <paramref name="tenant"/> running or waiting on this silo (tests and metrics).</summary>
    public int Users(string tenant)
    {
        lock (_gate)
        {
            return _tenants.TryGetValue(tenant, out var slots) ? slots.Users : 0;
        }
    }

    private Slots Enter(string tenant)
    {
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenant, out var slots))
            {
                slots = new Slots(Math.Max(1, options.Value.MaxConcurrentRequestsPerTenant));
                _tenants[tenant] = slots;
            }

            slots.Users++;
            return slots;
        }
    }

    private void Leave(string tenant, Slots slots)
    {
        lock (_gate)
        {
            if (--slots.Users == 0)
            {
                _tenants.Remove(tenant);
                slots.Semaphore.Dispose();
            }
        }
    }

    private sealed class Slots(int count)
    {
        public SemaphoreSlim Semaphore { get; } = new(count, count);

        public int Users { get; set; }
    }
}
