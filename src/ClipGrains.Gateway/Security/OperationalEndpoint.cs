namespace ClipGrains.Gateway.Security;

/// <summary>
/// Endpoint metadata of health probes and metrics: anonymous, answered while the server drains, and served on the
/// connections held in reserve for them. Decided from the matched endpoint, never from the path.
/// </summary>
internal sealed class OperationalEndpoint
{
    public static readonly OperationalEndpoint Instance = new();

    public static bool Is(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<OperationalEndpoint>() is not null;
}
