using ClipGrains.Abstractions.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace ClipGrains.Gateway.Errors;

/// <summary>
/// Turns every exception into an OpenAI-shaped error: <see cref="ApiException"/> and malformed-request errors
/// from Kestrel keep their 4xx; timeouts, a silo lost mid-call and an unreachable database are 503 with Retry-After
/// (<see cref="StorageFailures"/>); anything else is a bug, logged with its stack, and answered with a 500 that
/// carries no internal detail.
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case ApiException api:
                await ErrorResponse.WriteAsync(httpContext, api.Status, api.Type, api.Code, api.Message, api.Param, api.RetryAfter, api.Headers);
                break;
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                await ErrorResponse.WriteAsync(httpContext, 413, "invalid_request_error", "request_too_large", "The request body is larger than this endpoint accepts.");
                break;
            case BadHttpRequestException bad:
                await ErrorResponse.WriteAsync(httpContext, bad.StatusCode, "invalid_request_error", "invalid_request", "The request could not be read: " + bad.Message);
                break;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                break;
            case TimeoutException:
                // A grain call outlived its response timeout: the cluster is saturated, not broken.
                LogTimeout(logger, httpContext.Request.Method, httpContext.Request.Path);
                await ErrorResponse.WriteAsync(httpContext, 503, "server_error", "timeout", "The server could not answer in time; retry after the delay in Retry-After.", retryAfter: TimeSpan.FromSeconds(2));
                break;
            case OrleansMessageRejectionException:
                // A silo left or died mid-call; membership converges within seconds and a retry reaches a live silo.
                LogSiloLost(logger, httpContext.Request.Method, httpContext.Request.Path);
                await ErrorResponse.WriteAsync(httpContext, 503, "server_error", "cluster_changing", "A server in the cluster went away while handling the request; retry after the delay in Retry-After (send the same Idempotency-Key to avoid a double charge).", retryAfter: TimeSpan.FromSeconds(1));
                break;
            case var e when StorageFailures.IsUnavailable(e):
                // The database is down or refusing connections (an outage, a failover): a dependency, not a bug.
                LogStorageUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, e.GetType().Name);
                await ErrorResponse.WriteAsync(httpContext, 503, "server_error", "storage_unavailable",
                    "The server's database is unavailable; retry after the delay in Retry-After (send the same Idempotency-Key to avoid a double charge).",
                    retryAfter: TimeSpan.FromSeconds(2));
                break;
            default:
                LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
                await ErrorResponse.WriteAsync(httpContext, 500, "server_error", "internal_error", "The server failed to process the request; this is a bug on our side.");
                break;
        }

        return true;
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Timed out on {Method} {Path}")]
    private static partial void LogTimeout(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "A silo became unavailable during {Method} {Path}")]
    private static partial void LogSiloLost(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Storage unavailable during {Method} {Path} ({ExceptionType})")]
    private static partial void LogStorageUnavailable(ILogger logger, string method, string path, string exceptionType);

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
