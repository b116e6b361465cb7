using System.Net.Http.Headers;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>Destructive: its own server allowing 3 failed authentications a minute per address (the test's 127.0.0.1).</summary>
[Trait("Category", "api")]
public sealed class FailedAuthenticationTests() : OwnServerTests("--ClipGrains:Auth:FailedAttemptsPerMinute=3")
{
    [SkippableFact]
    public async Task An_address_that_keeps_failing_is_refused_before_any_lookup_for_tenant_and_operator_keys_alike()
    {
        using var guesser = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cg_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var operatorGuesser = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        operatorGuesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cga_wrong-operator-key-0123");

        AssertError(401, "invalid_api_key", await ReadAsync(await guesser.GetAsync("/v1/models")));
        AssertError(401, "invalid_api_key", await ReadAsync(await guesser.GetAsync("/v1/models")));
        AssertError(401, "invalid_admin_key", await ReadAsync(await operatorGuesser.GetAsync("/admin/v1/tenants")));
        var blocked = await guesser.GetAsync("/v1/models");
        var blockedOperator = await operatorGuesser.GetAsync("/admin/v1/tenants");

        foreach (var response in new[] { blocked, blockedOperator })
        {
            var (status, json) = await ReadAsync(response);
            Assert.Equal(429, status);
            Assert.Equal(("rate_limit_exceeded", "too_many_failed_authentications"), (json.GetProperty("error").GetProperty("type").GetString(), json.GetProperty("error").GetProperty("code").GetString()));
            Assert.Equal(TimeSpan.FromSeconds(20), response.Headers.RetryAfter?.Delta);
            Assert.Equal("true", response.Headers.GetValues("x-should-retry").Single());
        }
    }
}
