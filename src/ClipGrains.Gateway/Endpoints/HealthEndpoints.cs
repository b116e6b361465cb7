using ClipGrains.Abstractions.Cluster;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Hosting;
using ClipGrains.Gateway.OpenApi;

namespace ClipGrains.Gateway.Endpoints;

/// <summary>Liveness (the process answers) and readiness (the model is loaded, this silo is an active member and not stopping).</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/live", () => Results.Json(new Contracts.LiveStatus("live"), ApiJson.Options)).AsOperationalEndpoint()
            .WithName("live").WithTags("Health").WithSummary("Liveness: the process answers.").Answers<LiveStatus>();
        // Ready means able to serve: models load on demand, so a silo holding none (scaled to zero) is ready too.
        routes.MapGet("/health/ready", (ISiloHealth silo, InFlightRequests requests) =>
        {
            var active = silo.IsActive;
            var stopping = requests.IsClosed;
            var ready = active && !stopping;
            var (loaded, loading) = silo.LocalModels();
            return Results.Json(
                new Contracts.ReadyStatus(ready ? "ready" : "not_ready", active, stopping, loaded, loading),
                ApiJson.Options,
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AsOperationalEndpoint()
            .WithName("ready").WithTags("Health").WithSummary("Readiness: 200 when this silo can serve, 503 otherwise.").Answers<ReadyStatus>().Answers<ReadyStatus>(503);
    }
}
