using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;

namespace ClipGrains.Gateway.Hosting;

/// <summary>
/// Headers every response carries, set in one place when the response starts (after any error handler rewrote it):
/// <c>x-request-id</c> — the client's <c>X-Client-Request-Id</c> when it is a usable id, else a generated
/// <c>req_…</c> — which is also the request's trace identifier, a log scope (<c>ApiRequestId</c>) around everything the
/// request logs (the framework's own <c>RequestId</c> scope is taken before any middleware runs, so it cannot carry it)
/// and a tag of its span; and, on errors, <c>x-should-retry</c>, which the official OpenAI SDKs obey instead of their own
/// status-code rules: <c>true</c> when the answer says when to retry (Retry-After: rate limits, 503s) or the server
/// failed (5xx), <c>false</c> for every other 4xx, which a retry cannot fix (insufficient quota, bad key, bad input).
/// </summary>
internal static class ResponseConventions
{
    public const string RequestIdHeader = "x-request-id";
    public const string ClientRequestIdHeader = "X-Client-Request-Id";
    public const string ShouldRetryHeader = "x-should-retry";

    private static readonly Func<ILogger, string, IDisposable?> Scope = LoggerMessage.DefineScope<string>("ApiRequestId:{ApiRequestId}");

    public static IApplicationBuilder UseResponseConventions(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("ClipGrains.Gateway.Requests");
        return app.Use(async (context, next) =>
        {
            var id = ClientId(context.Request.Headers[ClientRequestIdHeader].ToString()) ?? "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            context.TraceIdentifier = id;
            Activity.Current?.SetTag("clipgrains.request_id", id);
            context.Response.OnStarting(() =>
            {
                var response = context.Response;
                response.Headers[RequestIdHeader] = id;
                if (response.StatusCode >= 400)
                {
                    var retry = response.StatusCode >= 500 || response.Headers.ContainsKey("Retry-After");
                    response.Headers[ShouldRetryHeader] = retry ? "true" : "false";
                }

                return Task.CompletedTask;
            });
            using (Scope(logger, id))
            {
                await next(context);
            }
        });
    }

    // A client's id is echoed only when it is short printable ASCII (it goes into a header and the logs).
    private static string? ClientId(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => c is > ' ' and < (char)127) ? value : null;
}
