namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// The tenant a request acts for. Until API keys exist every request belongs to the built-in tenant; every
/// request path already takes the tenant from here, so scoping by key is a change in one place.
/// </summary>
internal static class RequestTenant
{
    public const string Default = "default";

    public static string Of(HttpContext context) => context.Items.TryGetValue(nameof(RequestTenant), out var t) && t is string tenant ? tenant : Default;
}
