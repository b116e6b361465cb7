using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace ClipGrains.Gateway;

/// <summary>
/// Per-route request-body caps: routes declare a limit as endpoint metadata, and a middleware placed after
/// routing applies it to the server's body-size feature before anything reads the body. Kestrel then fails
/// an oversized body with 413 whatever Content-Length claimed.
/// </summary>
internal static class BodySizeLimit
{
    public static TBuilder WithRequestSizeLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new Limit(bytes));

    public static IApplicationBuilder UseRequestSizeLimits(this IApplicationBuilder app, long defaultBytes) => app.Use((context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultBytes;
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            throw new Errors.ApiException(StatusCodes.Status413PayloadTooLarge, "invalid_request_error", "request_too_large",
                $"The request body is {context.Request.ContentLength} bytes; this endpoint accepts at most {limit}.");
        }

        return next(context);
    });

    private sealed class Limit(long bytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize { get; } = bytes;
    }
}
