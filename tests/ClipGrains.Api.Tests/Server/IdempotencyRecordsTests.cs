using System.Net.Http.Headers;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>Destructive: its own server keeping at most 600 bytes per idempotency record.</summary>
[Trait("Category", "api")]
public sealed class IdempotencyRecordsTests() : OwnServerTests("--ClipGrains:Gateway:MaxStoredResponseBytes=600")
{
    private static async Task<HttpResponseMessage> EmbedAsync(HttpClient client, string key, string[] texts)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = Body(new { input = texts }) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    [SkippableFact]
    public async Task A_response_larger_than_a_record_keeps_is_not_stored_and_its_retry_is_neither_rerun_nor_charged()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 1000);
        using var client = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        string[] texts = ["a", "b", "c", "d", "e", "f"];

        var first = await EmbedAsync(client, "big-1", texts);
        var texsBefore = Server.ModelHost.Statistics.Texts;
        var retry = await EmbedAsync(client, "big-1", texts);
        var small = await EmbedAsync(client, "small-1", ["a"]);
        var smallRetry = await EmbedAsync(client, "small-1", ["a"]);

        Assert.Equal(200, (int)first.StatusCode);
        var (status, error) = await ReadAsync(retry);
        AssertError(409, "idempotent_response_not_stored", (status, error));
        Assert.Contains("completed with status 200", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(texsBefore, Server.ModelHost.Statistics.Texts);
        Assert.Equal(await small.Content.ReadAsStringAsync(), await smallRetry.Content.ReadAsStringAsync());

        // Charged once each (6 + 1 credits), and both stored records counted against the tenant.
        var account = (await ReadAsync(await Server.Admin.GetAsync($"/admin/v1/tenants/{tenantId}"))).Json;
        Assert.Equal(993, account.GetProperty("tenant").GetProperty("balance").GetInt64());
        var totals = account.GetProperty("totals");
        Assert.Equal(2, totals.GetProperty("idempotency_records").GetInt64());
        Assert.InRange(totals.GetProperty("idempotency_bytes").GetInt64(), 601, 1200);
    }
}
