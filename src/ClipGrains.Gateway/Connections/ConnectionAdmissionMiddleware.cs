using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Security;

namespace ClipGrains.Gateway.Connections;

/// <summary>
/// Connections accepted into the health reserve serve probes and metrics only; a connection that carried a request is
/// no longer closed for being unused (<see cref="ConnectionGuard"/>).
/// </summary>
internal sealed class ConnectionAdmissionMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (ConnectionGuard.Of(context) is not { } connection)
        {
            await next(context);
            return;
        }

        if (connection.Reserved && !OperationalEndpoint.Is(context))
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, "server_error", "too_many_connections",
                "This server has too many open connections; retry after the delay in Retry-After, reusing one connection for many requests.")
            {
                RetryAfter = TimeSpan.FromSeconds(1),
                Headers = new Dictionary<string, string> { ["Connection"] = "close" },
            };
        }

        connection.Started();
        await next(context);
    }
}
