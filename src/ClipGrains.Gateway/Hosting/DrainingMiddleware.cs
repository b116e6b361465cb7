using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Security;

namespace ClipGrains.Gateway.Hosting;

/// <summary>Health probes and metrics stay answerable while stopping; API calls are refused so clients retry elsewhere.</summary>
internal sealed class DrainingMiddleware(RequestDelegate next, InFlightRequests inFlight)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (OperationalEndpoint.Is(context))
        {
            await next(context);
            return;
        }

        if (!inFlight.TryEnter())
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, "server_error", "shutting_down",
                "This server is shutting down; retry after the delay in Retry-After and the load balancer will send you to another one.")
            {
                RetryAfter = TimeSpan.FromSeconds(1),
                Headers = new Dictionary<string, string> { ["Connection"] = "close" },
            };
        }

        try
        {
            await next(context);
        }
        finally
        {
            inFlight.Exit();
        }
    }
}
