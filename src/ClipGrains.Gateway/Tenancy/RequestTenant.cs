namespace ClipGrains.Gateway.Tenancy;

/// <summary>The tenant a request acts for, set by <see cref="Security.ApiKeyAuthenticationHandler"/> once its key is verified.</summary>
internal static class RequestTenant
{
    /// <summary>The built-in tenant when authentication is off.</summary>
    public const string Default = "default";

    private const string ItemKey = "clipgrains.tenant";

    public static string Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var t) && t is string tenant ? tenant : Default;

    public static void Set(HttpContext context, string tenant) => context.Items[ItemKey] = tenant;
}
