using ClipGrains.Abstractions.Configuration;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Admin;
using ClipGrains.Gateway.Connections;
using ClipGrains.Gateway.Embedding;
using ClipGrains.Gateway.Endpoints;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Hosting;
using ClipGrains.Gateway.Inputs;
using ClipGrains.Gateway.OpenApi;
using ClipGrains.Gateway.Security;
using ClipGrains.Gateway.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway;

/// <summary>Wires the OpenAI-compatible HTTP API onto an ASP.NET Core app co-hosted with a silo.</summary>
public static class ClipGrainsGatewayExtensions
{
    /// <summary>Registers the gateway's services and options (<c>ClipGrains:Gateway</c>).</summary>
    public static IServiceCollection AddClipGrainsGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<GatewayOptions>(configuration, "ClipGrains:Gateway", (o, c) => o.Check(c));
        services.AddSettings<AuthOptions>(configuration, "ClipGrains:Auth", (o, c) => o.Check(c));
        services.AddSettings<PricingOptions>(configuration, "ClipGrains:Pricing", (o, c) => o.Check(c));
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection("ClipGrains:Admin")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddSingleton<AdminKeyStore>();
        services.AddSingleton<FailedAuthLimiter>();
        services.AddSettings<ConnectionOptions>(configuration, "ClipGrains:Gateway:Connections", (o, c) => o.Check(c));
        services.AddSingleton<ConnectionGuard>();
        services.AddSingleton<Security.KeyRecheck>();
        services.AddSingleton<TenantConcurrency>();
        services.AddSettings<CrossOriginOptions>(configuration, "ClipGrains:Cors", (o, c) => o.Check(c));
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<CrossOriginOptions>>((o, settings) =>
        {
            var cors = settings.Value;
            o.AddDefaultPolicy(policy =>
            {
                policy = cors.AllowedOrigins.Contains("*") ? policy.AllowAnyOrigin() : policy.WithOrigins(cors.AllowedOrigins);
                policy.AllowAnyMethod().AllowAnyHeader()
                    .WithExposedHeaders("x-request-id", "x-should-retry", "Retry-After", "Idempotent-Replayed", "ETag", "Location",
                        "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
                        "x-ratelimit-limit-images", "x-ratelimit-remaining-images", "x-ratelimit-reset-images")
                    .SetPreflightMaxAge(TimeSpan.FromHours(1));
            });
        });
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null)
            .AddScheme<AuthenticationSchemeOptions, OperatorAuthenticationHandler>(AuthSchemes.Operator, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthSchemes.TenantPolicy, p => p.AddAuthenticationSchemes(AuthSchemes.ApiKey).RequireAuthenticatedUser())
            .AddPolicy(AuthSchemes.OperatorPolicy, p => p.AddAuthenticationSchemes(AuthSchemes.Operator).RequireAuthenticatedUser());
        services.AddHostedService<AdminKeyAnnouncer>();
        services.AddSingleton<ChargedRequests>();

        // The meter (the silo's) keeps replays and claims by the request settings they follow.
        services.AddOptions<TenantMeterOptions>().Configure<IOptions<GatewayOptions>>((meter, gateway) =>
        {
            meter.MaxStoredResponseBytes = gateway.Value.MaxStoredResponseBytes;
            meter.ClaimLease = gateway.Value.RequestTimeout * 2;
        });
        services.AddExceptionHandler<ApiExceptionHandler>();

        // A query value the framework cannot bind (?limit=abc) is thrown to the exception handler, which answers in
        // OpenAI's error shape, instead of an empty 400 written by the framework.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddClipGrainsOpenApi();
        services.AddSingleton<EmbeddingCache>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<TextEmbedder>();
        services.AddSingleton<ImageEmbedder>();
        services.AddSingleton<ClassificationRequestReader>();
        services.AddSettings<ImageUrlOptions>(configuration, "ClipGrains:ImageUrls", (o, c) => o.Check(c));
        services.AddSingleton<ImageUrlFetcher>();
        services.AddSingleton<ImageUrlResolver>();
        services.AddSingleton<FetchBudget>();

        // Drains in the host's stopping phase, before Kestrel and the silo are stopped.
        services.AddSingleton<InFlightRequests>();
        services.AddHostedService<GracefulDrainService>();
        services.AddSingleton<IdleMemoryTrimmer>(sp => new IdleMemoryTrimmer(
            sp.GetRequiredService<InFlightRequests>(), sp.GetRequiredService<IOptions<GatewayOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<IdleMemoryTrimmer>());
        return services;
    }

    /// <summary>Adds the error handling and size-limit middleware and maps every route.</summary>
    public static WebApplication MapClipGrainsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var limits = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var telemetry = app.Services.GetRequiredService<ClipGrainsTelemetry>();

        app.UseResponseConventions();

        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseExceptionHandler();
        var inFlight = app.Services.GetRequiredService<InFlightRequests>();
        telemetry.ObserveRequestsInFlight(() => inFlight.Count);
        app.UseStatusCodePages(UnmatchedRequests.WriteAsync);
        app.UseRouting();
        app.UseMiddleware<RouteTemplateMiddleware>();
        app.UseMiddleware<ConnectionAdmissionMiddleware>();
        app.UseMiddleware<DrainingMiddleware>();
        app.UseRequestSizeLimits(limits.MaxJsonRequestBytes);

        // Preflights (which carry no key) are answered here, before authorization; off unless ClipGrains:Cors lists origins.
        if (app.Services.GetRequiredService<IOptions<CrossOriginOptions>>().Value.AllowedOrigins.Length > 0)
        {
            app.UseCors();
        }

        // Who may call what is endpoint metadata: the /v1 group needs a tenant's key, the admin group the operator key,
        // and only endpoints marked anonymous (health, metrics, the console's page) answer without one.
        app.UseAuthorization();
        app.MapOpenApi(ApiDocument.Path).AllowAnonymous();
        var v1 = app.MapGroup("/v1").RequireAuthorization(AuthSchemes.TenantPolicy).Fails(401, 429, 500, 503)
            .AddEndpointFilter<TenantRateLimitFilter>()
            .AddEndpointFilter(app.Services.GetRequiredService<TenantConcurrency>());
        ModelsEndpoints.Map(v1);
        EmbeddingsEndpoints.Map(v1, limits);
        ClassificationsEndpoints.Map(v1, limits);
        LabelSetsEndpoints.Map(v1, limits);
        CollectionsEndpoints.Map(v1, limits);
        UsageEndpoints.Map(v1);
        HealthEndpoints.Map(app);
        AdminEndpoints.Map(app);
        WebConsole.ConsolePages.Map(app);
        return app;
    }

    /// <summary>
    /// Applies <c>ClipGrains:Gateway:Connections</c> and the body limit to Kestrel: keep-alive and header timeouts, the largest
    /// body any route takes, and the connection guard on every endpoint (those from <c>--urls</c> too).
    /// </summary>
    public static void ConfigureClipGrainsConnections(this Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var connections = kestrel.ApplicationServices.GetRequiredService<IOptions<ConnectionOptions>>().Value;
        var limits = kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
        kestrel.Limits.MaxRequestBodySize = Math.Max(limits.MaxImageRequestBytes, limits.MaxJsonRequestBytes);
        kestrel.Limits.KeepAliveTimeout = connections.KeepAliveTimeout;
        kestrel.Limits.RequestHeadersTimeout = connections.RequestHeadersTimeout;
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => listen.ApplicationServices.GetRequiredService<ConnectionGuard>().Wrap(next)));
    }

    /// <summary>
    /// Marks an endpoint as operational (health, metrics): anonymous, answered while draining and on reserved connections.
    /// </summary>
    public static TBuilder AsOperationalEndpoint<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().WithMetadata(OperationalEndpoint.Instance);
}
