using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Errors;
using ClipGrains.Grains.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// Authenticates every <c>/v1</c> request with OpenAI's <c>Authorization: Bearer &lt;key&gt;</c>: the key id selects
/// the key's grain, which compares the secret's hash in constant time. Unknown, malformed, revoked and suspended
/// keys all get the same 401, so a caller learns nothing about which keys exist. The key is never logged.
/// </summary>
internal static class ApiKeyAuthentication
{
    public static IApplicationBuilder UseApiKeyAuthentication(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var required = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Required;
        if (required && context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                throw Unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer cg_...'.");
            }

            var presented = header["Bearer ".Length..].Trim();
            if (!ApiKeyMaterial.TryParse(presented, out var keyId, out var secret))
            {
                throw Unauthorized("Incorrect API key provided. Keys look like cg_<id>_<secret>; ask your administrator for one.");
            }

            var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
            var hash = ApiKeyMaterial.Hash(secret);
            var tenant = await ClusterRetry.ReadOnceMoreAsync(() => grains.GetGrain<IApiKeyGrain>(keyId).Authenticate(hash))
                ?? throw Unauthorized("Incorrect API key provided, or the key was revoked or its tenant suspended.");
            RequestTenant.Set(context, tenant);
        }

        await next(context);
    });

    private static ApiException Unauthorized(string message) =>
        new(StatusCodes.Status401Unauthorized, "invalid_request_error", "invalid_api_key", message);
}
