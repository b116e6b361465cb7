namespace ClipGrains.Gateway.Hosting;

/// <summary>Keeps the matched endpoint's route template for the request metrics (the error handler clears the endpoint).</summary>
internal sealed class RouteTemplateMiddleware(RequestDelegate next)
{
    /// <summary>The <see cref="HttpContext.Items"/> key of the template.</summary>
    public const string Item = "clipgrains.route";

    public Task InvokeAsync(HttpContext context)
    {
        if ((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } pattern)
        {
            context.Items[Item] = pattern;
        }

        return next(context);
    }
}
