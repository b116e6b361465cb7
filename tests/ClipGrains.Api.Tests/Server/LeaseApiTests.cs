using System.Net.Http.Headers;
using ClipGrains.Grains.Tenancy.Leases;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>Destructive: a server that leases credits to a tenant from five requests a second.</summary>
[Trait("Category", "api")]
public sealed class LeaseApiTests() : OwnServerTests("--ClipGrains:Leases:MinRequestsPerSecond=5")
{
    private HttpClient As(string key)
    {
        var client = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private async Task<(long Balance, long Reserved, long Leased, long Logged)> AccountAsync(string tenantId)
    {
        var (_, json) = await ReadAsync(await Server.Admin.GetAsync($"/admin/v1/tenants/{tenantId}"));
        var tenant = json.GetProperty("tenant");
        return (tenant.GetProperty("balance").GetInt64(), tenant.GetProperty("reserved").GetInt64(), tenant.GetProperty("leased").GetInt64(),
            json.GetProperty("totals").GetProperty("credits").GetInt64());
    }

    [SkippableFact]
    public async Task A_busy_tenant_is_admitted_from_leases_and_every_credit_ends_up_charged_or_back_in_the_balance()
    {
        const long Initial = 100_000;
        var (tenantId, key) = await Server.CreateTenantAsync(Initial);
        using var client = As(key);
        var charged = 0L;
        var withHeaders = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            for (var i = 0; i < 40; i++)
            {
                using var response = await client.PostAsync("/v1/embeddings", Body(new { input = new[] { $"prompt {worker} {i}", "shared prompt" } }));
                var (status, json) = await ReadAsync(response);
                Assert.True(status == 200, json.ToString());
                Interlocked.Add(ref charged, json.GetProperty("usage").GetProperty("credits").GetInt64());
                if (response.Headers.Contains("x-ratelimit-remaining-requests"))
                {
                    Interlocked.Increment(ref withHeaders);
                }
            }
        }));

        Assert.Equal(320 * 2, charged);
        Assert.Equal(320, withHeaders);

        // Some were admitted under a lease (the records carry its id), and while it is out the credits are held by it.
        var export = await Server.Admin.GetStringAsync($"/admin/v1/tenants/{tenantId}/usage/records?format=csv");
        var leased = export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Count(l => l.Split(',')[9] != "0");
        Assert.InRange(leased, 1, 319);
        Assert.True(Server.Services.GetRequiredService<SiloLeases>().Grants >= 2, "the lease was refilled under sustained load");
        // While a lease is out, what its silo spent and has not reported yet is in both `leased` and the log: the sum is
        // the initial credits plus at most everything charged, never less (nothing lost) and never more.
        var during = await AccountAsync(tenantId);
        Assert.InRange(during.Balance + during.Reserved + during.Leased + during.Logged, Initial, Initial + charged);

        // Returned (as an idle or stopping silo does): every credit is charged exactly as the responses said, or back.
        var ledger = Server.Services.GetRequiredService<SiloLeases>();
        await ledger.ReleaseAllAsync();
        var after = await AccountAsync(tenantId);
        Assert.Equal((Initial - charged, 0L, 0L, charged), after);
        Assert.Equal(0, ledger.Held().GetValueOrDefault(tenantId)); // Nothing left to admit from here: the silo agrees with the ledger.
    }

    [SkippableFact]
    public async Task A_balance_for_exactly_ten_images_admits_exactly_ten_of_fifty_concurrent_requests()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(100);
        using var client = As(key);
        var image = DataUri(GoldenData.Image("horse.png"));

        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            (await ReadAsync(await client.PostAsync("/v1/embeddings", Body(new { input = image, modality = "image" })))).Status));

        Assert.Equal(10, statuses.Count(s => s == 200));
        Assert.Equal(40, statuses.Count(s => s == 429));
        await Server.Services.GetRequiredService<SiloLeases>().ReleaseAllAsync();
        Assert.Equal((0L, 0L, 0L, 100L), await AccountAsync(tenantId));
    }
}
