namespace ClipGrains.Api.Tests.Server;

/// <summary>CORS is off by default: the shared server sends no CORS headers to any origin.</summary>
[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class CorsOffTests(GoldenServerFixture fixture)
{
    [SkippableFact]
    public async Task Without_allowed_origins_a_preflight_gets_no_cors_headers()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.Http.BaseAddress };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/embeddings");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        var answer = await anonymous.SendAsync(preflight);

        Assert.False(answer.IsSuccessStatusCode);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
