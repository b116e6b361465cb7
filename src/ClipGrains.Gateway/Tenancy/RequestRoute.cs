namespace ClipGrains.Gateway.Tenancy;

/// <summary>The API operation a request is, as usage records name it: the endpoint's name (its OpenAPI operation id).</summary>
internal static class RequestRoute
{
    public static string Of(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? context.Request.Path.Value ?? string.Empty;

    /// <summary>The collection a <c>/v1/collections/{name}/…</c> request works on, as usage records name it; empty for other routes.</summary>
    public static string CollectionOf(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/v1/collections") && context.Request.RouteValues.TryGetValue("name", out var name) && name is string collection
            ? collection
            : string.Empty;
}
