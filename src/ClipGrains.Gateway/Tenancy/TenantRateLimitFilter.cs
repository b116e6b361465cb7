using ClipGrains.Abstractions.Tenancy;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// Every authenticated request counts against a limit: the routes that are not charged (lookups, usage, deletes) take
/// one from the tenant's grain before they run — reads from the separate, larger read limit, writes from the request
/// limit — and answer 429 with Retry-After once it is spent. Charged routes are admitted by <see cref="Metering"/>.
/// </summary>
internal sealed class TenantRateLimitFilter(IGrainFactory grains, IOptions<AuthOptions> auth) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!auth.Value.Required || http.GetEndpoint()?.Metadata.GetMetadata<ChargedEndpoint>() is not null)
        {
            return await next(context);
        }

        var read = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        var decision = await grains.GetGrain<ITenantGrain>(RequestTenant.Of(http)).Take(read);
        Metering.ThrowUnlessAdmitted(decision);
        return await next(context);
    }
}
