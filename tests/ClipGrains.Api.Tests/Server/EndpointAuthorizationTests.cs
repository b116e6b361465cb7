using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>
/// Every route of the running server, read from its endpoint data source (so a route added later is covered without
/// editing this test), refuses a call without a key, in the path's own case and in upper case, unless its metadata
/// marks it anonymous; and the anonymous ones are exactly the operational and console endpoints.
/// </summary>
[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class EndpointAuthorizationTests(GoldenServerFixture fixture)
{
    private static readonly string[] ExpectedAnonymous = ["GET /", "GET /health/live", "GET /health/ready", "GET /metrics", "GET /openapi/{documentName}.json"];

    private List<(string Method, RouteEndpoint Endpoint)> Routes() =>
        fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e)))
            .ToList();

    private static string SamplePath(RouteEndpoint endpoint) =>
        "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => parameter.Name == "id" && endpoint.RoutePattern.RawText!.StartsWith("/admin", StringComparison.Ordinal) ? "tn_x" : "sample",
            _ => string.Empty,
        }))));

    [SkippableFact]
    public void The_anonymous_endpoints_are_exactly_health_metrics_the_openapi_document_and_the_console_page()
    {
        var anonymous = Routes().Where(r => r.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(r => $"{r.Method} {r.Endpoint.RoutePattern.RawText}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ExpectedAnonymous, anonymous);
        foreach (var (method, endpoint) in Routes().Where(r => r.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            Assert.True(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(), $"{method} {endpoint.RoutePattern.RawText} has no authorization policy");
        }
    }

    [SkippableFact]
    public async Task Every_other_endpoint_refuses_an_anonymous_call_in_any_case()
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.Http.BaseAddress };
        var routes = Routes().Where(r => r.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null).ToList();
        Assert.True(routes.Count >= 20, $"only {routes.Count} protected routes found");
        foreach (var (method, endpoint) in routes)
        {
            var path = SamplePath(endpoint);
            foreach (var variant in new[] { path, path.ToUpperInvariant(), char.ToUpperInvariant(path[1]) + path[2..] is var p ? "/" + p : path })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), variant);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", new MediaTypeHeaderValue("application/json"));
                }

                var expectedCode = endpoint.RoutePattern.RawText!.StartsWith("/admin", StringComparison.Ordinal) ? "invalid_admin_key" : "invalid_api_key";
                var response = await client.SendAsync(request);
                var (status, json) = await ReadAsync(response);
                Assert.True(status == 401, $"{method} {variant} answered {status} without a key");
                AssertError(401, expectedCode, (status, json));
                Assert.Contains("close", response.Headers.Connection);
            }
        }
    }

    [SkippableTheory]
    [InlineData("/V1/models")]
    [InlineData("/V1/label-sets")]
    [InlineData("/v1/Label-Sets/anything")]
    [InlineData("/V1/USAGE")]
    [InlineData("/ADMIN/V1/TENANTS")]
    public async Task Case_variants_of_protected_paths_need_a_key(string path)
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.Http.BaseAddress };
        var (status, _) = await ReadAsync(await client.GetAsync(path));
        Assert.Equal(401, status);
    }
}
