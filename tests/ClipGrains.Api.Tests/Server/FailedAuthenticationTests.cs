using System.Net.Http.Headers;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>Destructive: its own server allowing 3 failed authentications a minute per address (the test's 127.0.0.1).</summary>
[Trait("Category", "api")]
public sealed class FailedAuthenticationTests() : OwnServerTests("--ClipGrains:Auth:FailedAttemptsPerMinute=3")
{
    [SkippableFact]
    public async Task An_address_that_keeps_failing_is_refused_before_any_lookup_and_tenant_and_operator_failures_are_counted_apart()
    {
        using var guesser = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cg_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var operatorGuesser = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        operatorGuesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cga_wrong-operator-key-0123");

        for (var i = 0; i < 3; i++)
        {
            AssertError(401, "invalid_api_key", await ReadAsync(await guesser.GetAsync("/v1/models")));
        }

        var blocked = await guesser.GetAsync("/v1/models");

        // The same address's operator is not locked out by a tenant's failures (a stale key behind one NAT).
        Assert.Equal(200, (int)(await Server.Admin.GetAsync("/admin/v1/tenants")).StatusCode);
        for (var i = 0; i < 3; i++)
        {
            AssertError(401, "invalid_admin_key", await ReadAsync(await operatorGuesser.GetAsync("/admin/v1/tenants")));
        }

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
