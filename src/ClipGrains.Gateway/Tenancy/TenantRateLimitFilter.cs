using ClipGrains.Abstractions.Tenancy;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// Every authenticated request counts against a limit: the routes that are not charged (lookups, usage, deletes) take
/// one from the tenant's grain before they run — reads from the separate, larger read limit, writes from the request
/// limit — and answer 429 with Retry-After once it is spent. Charged routes are admitted by the meter
/// (<see cref="ChargedRequests"/>); before their body is read they are refused when their tenant cannot be admitted at
/// all (rate limit spent, empty balance, suspension): a refusal this silo remembers costs no grain call, and a tenant this
/// silo knows nothing recent of costs one probe of its ledger per second, shared by a burst (the meter decides).
/// </summary>
internal sealed class TenantRateLimitFilter(ITenantMeter meter, IOptions<AuthOptions> auth) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!auth.Value.Required)
        {
            return await next(context);
        }

        var tenant = RequestTenant.Of(http);
        if (http.GetEndpoint()?.Metadata.GetMetadata<ChargedEndpoint>() is not null)
        {
            if (await meter.RefusalBeforeBodyAsync(tenant) is { } refused)
            {
                throw AdmissionErrors.Of(refused);
            }

            return await next(context);
        }

        var read = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        AdmissionErrors.ThrowUnlessAdmitted(await meter.TakeAsync(tenant, read));
        return await next(context);
    }
}
