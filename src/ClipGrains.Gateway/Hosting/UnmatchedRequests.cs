using ClipGrains.Gateway.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace ClipGrains.Gateway.Hosting;

/// <summary>Routing's own 404, 405 and 415 (the endpoints' declared media types did not match), in OpenAI's error shape with what to send.</summary>
internal static class UnmatchedRequests
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var response = context.HttpContext.Response;
        var request = context.HttpContext.Request;
        if (response.StatusCode is 404 or 405 or 415 && !response.HasStarted && response.ContentLength is null)
        {
            var (code, message) = response.StatusCode switch
            {
                404 => ("not_found", $"There is no route {request.Path}; see /v1/models, /v1/embeddings, /v1/classifications, /v1/label-sets."),
                405 => ("method_not_allowed", $"{request.Method} is not allowed on {request.Path}."),
                _ => ("unsupported_media_type",
                    $"Send the request as application/json (got \"{request.ContentType ?? "no content type"}\"); POST /v1/classifications also takes multipart/form-data."),
            };
            await ErrorResponse.WriteAsync(context.HttpContext, response.StatusCode, "invalid_request_error", code, message);
        }
    }
}
