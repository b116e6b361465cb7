namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// Endpoint metadata of routes that run through <see cref="ChargedRequests"/> (their admission takes the request from the rate
/// limit); every other tenant route takes one from <see cref="TenantRateLimitFilter"/>.
/// </summary>
internal sealed class ChargedEndpoint
{
    public static readonly ChargedEndpoint Instance = new();
}
