namespace ClipGrains.Gateway.Tenancy;

/// <summary>The API operation a request is, as usage records name it: the endpoint's name (its OpenAPI operation id).</summary>
internal static class RequestRoute
{
    public static string Of(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? context.Request.Path.Value ?? string.Empty;
}
