using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>Destructive: its own server with one allowed origin. Without the setting (the shared server) there is no CORS.</summary>
[Trait("Category", "api")]
public sealed class CorsTests() : OwnServerTests("--ClipGrains:Cors:AllowedOrigins:0=https://app.example.com")
{
    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/embeddings");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    [SkippableFact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_without_a_key_and_calls_still_need_one()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        using var preflight = Preflight("https://app.example.com");
        var answer = await anonymous.SendAsync(preflight);

        Assert.Equal(204, (int)answer.StatusCode);
        Assert.Equal("https://app.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);

        using var call = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = Body(new { input = "a cat" }) };
        call.Headers.Add("Origin", "https://app.example.com");
        var refused = await anonymous.SendAsync(call);
        Assert.Equal(401, (int)refused.StatusCode);

        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = Body(new { input = "a cat" }) };
        keyed.Headers.Add("Origin", "https://app.example.com");
        var served = await Server.Http.SendAsync(keyed);
        Assert.Equal(200, (int)served.StatusCode);
        Assert.Equal("https://app.example.com", served.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-request-id", served.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Another_origin_gets_no_cors_headers()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        using var preflight = Preflight("https://evil.example.net");

        var answer = await anonymous.SendAsync(preflight);

        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
