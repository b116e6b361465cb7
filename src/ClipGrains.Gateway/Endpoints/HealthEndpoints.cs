using ClipGrains.Gateway.Hosting;
using ClipGrains.Grains.Hosting;

namespace ClipGrains.Gateway.Endpoints;

/// <summary>Liveness (the process answers) and readiness (the model is loaded, this silo is an active member and not stopping).</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/live", () => Results.Json(new { status = "live" }, ApiJson.Options)).AsOperationalEndpoint();
        routes.MapGet("/health/ready", (ModelHost host, IClusterMembershipService membership, ILocalSiloDetails silo, InFlightRequests requests) =>
        {
            var active = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) == SiloStatus.Active;
            var stopping = requests.IsClosed;
            var ready = host.IsReady && active && !stopping;
            return Results.Json(
                new { status = ready ? "ready" : "not_ready", model_loaded = host.IsReady, silo_active = active, stopping },
                ApiJson.Options,
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AsOperationalEndpoint();
    }
}
