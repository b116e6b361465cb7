using ClipGrains.Abstractions.Telemetry;

namespace ClipGrains.Gateway.Hosting;

/// <summary>
/// Counts every request by route template and final status. Outermost but for the response headers, so the status it
/// records is the one the error handler finally wrote. Routes are templates (bounded), never raw paths, taken by
/// <see cref="RouteTemplateMiddleware"/> when routing matched, because the exception handler clears the endpoint before
/// it writes an error.
/// </summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, ClipGrainsTelemetry telemetry)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        finally
        {
            var route = context.Items[RouteTemplateMiddleware.Item] as string ?? "unmatched";
            telemetry.Requests.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("status", context.Response.StatusCode));
        }
    }
}
