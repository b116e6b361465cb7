using ClipGrains.Abstractions.Fairness;
using ClipGrains.Gateway.Errors;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// Divides a silo's request processing between tenants. The CPU a request uses before it reaches the fair queues
/// (reading and parsing its body, hashing images, encoding the answer) is not divided by tenant anywhere else, so a
/// tenant with 16 heavy requests in flight could starve another tenant's light one on a small machine.
/// Work conserving: a tenant alone on the silo runs as many requests as it sends up to
/// <see cref="GatewayOptions.MaxRequestsPerTenantAlone"/> (bodies in flight are memory); while other tenants have requests
/// here, or had one within <see cref="SharingWindow"/> (a client sending one request at a time is never "present"
/// between its requests, and the flood would take every place in that instant), each may have at most
/// <see cref="GatewayOptions.MaxConcurrentRequestsPerTenant"/> in progress, and the rest wait, in order, before their
/// body is read (requests already running are never interrupted). Freed places go to waiting tenants in turn. A
/// request that cannot start before the request timeout gets 429 with Retry-After. A request that waited has its key
/// checked again before it starts (<see cref="Security.KeyRecheck"/>).
/// </summary>
internal sealed class TenantConcurrency(IOptions<GatewayOptions> options, TimeProvider time, Security.KeyRecheck? recheck = null) : IEndpointFilter
{
    /// <summary>How long a tenant counts as present on the silo after its last request ended.</summary>
    public static readonly TimeSpan SharingWindow = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, Tenant> _tenants = new(StringComparer.Ordinal);

    // Tenants with nothing here now, by when their last request ended (kept for the sharing window).
    private readonly Dictionary<string, long> _recent = new(StringComparer.Ordinal);
    private readonly TenantTurns<TaskCompletionSource> _waiting = new();
    private readonly Lock _gate = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var name = RequestTenant.Of(context.HttpContext);
        var waiter = Arrive(name);
        if (waiter is not null)
        {
            try
            {
                await waiter.Task.WaitAsync(options.Value.RequestTimeout, context.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                if (!GiveUp(name, waiter))
                {
                    // Started in the same instant: the place is ours after all.
                    return await RunAsync(name, context, next);
                }

                if (e is OperationCanceledException)
                {
                    throw;
                }

                throw new ApiException(429, "rate_limit_exceeded", "too_many_concurrent_requests",
                    $"This tenant has {options.Value.MaxConcurrentRequestsPerTenant} requests in progress on this server while others wait, and this one could not start in time; send fewer at once.")
                {
                    RetryAfter = TimeSpan.FromSeconds(1),
                };
            }

            if (recheck is not null)
            {
                try
                {
                    await recheck.ThrowIfRevokedAsync(context.HttpContext);
                }
                catch
                {
                    Leave(name);
                    throw;
                }
            }
        }

        return await RunAsync(name, context, next);
    }

    /// <summary>Requests of <paramref name="tenant"/> running on this silo (tests and metrics).</summary>
    public int Running(string tenant)
    {
        lock (_gate)
        {
            return _tenants.TryGetValue(tenant, out var t) ? t.Running : 0;
        }
    }

    private async ValueTask<object?> RunAsync(string name, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        finally
        {
            Leave(name);
        }
    }

    // Starts the request at once (null) or queues it behind its tenant's running ones.
    private TaskCompletionSource? Arrive(string name)
    {
        lock (_gate)
        {
            var tenant = Get(name);
            if (_waiting.CountOf(name) == 0 && tenant.Running < Limit(tenant))
            {
                tenant.Running++;
                return null;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(name, waiter);

            // Limits loosen as other tenants' sharing windows end, which no departure announces: look again now.
            StartWaiting();
            return waiter;
        }
    }

    // False when the waiter was started meanwhile (its place must be used and released normally).
    private bool GiveUp(string name, TaskCompletionSource waiter)
    {
        lock (_gate)
        {
            if (waiter.Task.IsCompleted)
            {
                return false;
            }

            _waiting.Remove(name, waiter);
            Forget(name, _tenants[name]);
            return true;
        }
    }

    private void Leave(string name)
    {
        lock (_gate)
        {
            var tenant = _tenants[name];
            tenant.Running--;
            Forget(name, tenant);
            StartWaiting();
        }
    }

    // Called under _gate: hands free places to waiting tenants in turn while their limits allow.
    private void StartWaiting()
    {
        while (_waiting.TryDequeue(t => _tenants[t].Running < Limit(_tenants[t]), out var name, out var waiter))
        {
            _tenants[name].Running++;
            waiter.TrySetResult();
        }
    }

    // Called under _gate: the lone-tenant bound while the tenant is alone on the silo, its share otherwise.
    private int Limit(Tenant tenant)
    {
        if (_recent.Count > 0)
        {
            var now = time.GetTimestamp();
            foreach (var stale in _recent.Where(r => time.GetElapsedTime(r.Value, now) > SharingWindow).Select(r => r.Key).ToList())
            {
                _recent.Remove(stale);
            }
        }

        var alone = _recent.Count == 0 && _tenants.Count == 1 && _tenants.Values.First() == tenant;
        return alone ? Math.Max(1, options.Value.MaxRequestsPerTenantAlone) : Math.Max(1, options.Value.MaxConcurrentRequestsPerTenant);
    }

    private Tenant Get(string name)
    {
        if (!_tenants.TryGetValue(name, out var tenant))
        {
            tenant = new Tenant();
            _tenants[name] = tenant;
            _recent.Remove(name);
        }

        return tenant;
    }

    private void Forget(string name, Tenant tenant)
    {
        if (tenant.Running == 0 && _waiting.CountOf(name) == 0)
        {
            _tenants.Remove(name);
            _recent[name] = time.GetTimestamp();
        }
    }

    private sealed class Tenant
    {
        public int Running { get; set; }
    }
}
