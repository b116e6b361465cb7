using ClipGrains.Gateway.Contracts;

namespace ClipGrains.Gateway.OpenApi;

/// <summary>What an endpoint takes and answers, as metadata for the OpenAPI document.</summary>
internal static class EndpointContracts
{
    private static readonly string[] Json = ["application/json"];

    /// <summary>Documents <typeparamref name="T"/> as the JSON body answered with <paramref name="status"/>.</summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder builder, int status = StatusCodes.Status200OK) =>
        builder.Produces<T>(status, Json[0]);

    /// <summary>Documents <typeparamref name="T"/> as the request body, in JSON unless other media types are given.</summary>
    public static RouteHandlerBuilder Takes<T>(this RouteHandlerBuilder builder, params string[] contentTypes)
        where T : notnull =>
        contentTypes.Length == 0 ? builder.Accepts<T>(Json[0]) : builder.Accepts<T>(contentTypes[0], contentTypes[1..]);

    /// <summary>Documents error answers (OpenAI's shape) of these statuses.</summary>
    public static TBuilder Fails<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorEnvelope), Json));
        }

        return builder;
    }
}
