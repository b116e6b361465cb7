using ClipGrains.Abstractions.Errors;

namespace ClipGrains.Gateway.Errors;

/// <summary>Writes OpenAI-shaped error bodies.</summary>
internal static class ErrorResponse
{
    public static async Task WriteAsync(
        HttpContext context, int status, string type, string code, string message, string? param = null, TimeSpan? retryAfter = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return; // Nobody is listening any more (or headers are gone): nothing useful can be written.
        }

        context.Response.Clear();
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.StatusCode = status;
        if (retryAfter is TimeSpan wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(new ApiError(message, type, code, param).ToUtf8(), context.RequestAborted);
    }
}
