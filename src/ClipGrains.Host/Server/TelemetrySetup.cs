using ClipGrains.Gateway;
using ClipGrains.Abstractions.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ClipGrains.Host.Server;

/// <summary>
/// OpenTelemetry for the server: the ClipGrains and Orleans meters, ASP.NET Core and runtime metrics; spans for
/// requests, grain calls (only <c>Microsoft.Orleans.Application</c>: the runtime source is membership noise) and
/// batches; OTLP export when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; a Prometheus scrape endpoint
/// at <c>ClipGrains:Telemetry:PrometheusPath</c> (default <c>/metrics</c>, empty turns it off).
/// </summary>
internal static class TelemetrySetup
{
    public static void Add(WebApplicationBuilder builder)
    {
        var prometheus = PrometheusPath(builder.Configuration) is not null;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("clipgrains"))
            .WithMetrics(m =>
            {
                m.AddMeter(ClipGrainsTelemetry.Name, "Microsoft.Orleans").AddAspNetCoreInstrumentation().AddRuntimeInstrumentation();
                if (prometheus)
                {
                    m.AddPrometheusExporter();
                }
            })
            .WithTracing(t => t.AddSource(ClipGrainsTelemetry.Name, "Microsoft.Orleans.Application").AddAspNetCoreInstrumentation());
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            otel.UseOtlpExporter();
        }
    }

    public static void Map(WebApplication app)
    {
        if (PrometheusPath(app.Configuration) is { } path)
        {
            app.MapPrometheusScrapingEndpoint(path).AsOperationalEndpoint();
        }
    }

    private static string? PrometheusPath(IConfiguration configuration)
    {
        var path = configuration["ClipGrains:Telemetry:PrometheusPath"] ?? "/metrics";
        return path.Length == 0 ? null : path;
    }
}
