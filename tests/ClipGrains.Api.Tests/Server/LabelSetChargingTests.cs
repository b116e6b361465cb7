using System.Net.Http.Headers;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>
/// Destructive: its own server with a small text queue and large label-set limits. Builds are charged for what they
/// computed, and a full queue makes a build wait instead of failing.
/// </summary>
[Trait("Category", "api")]
public sealed class LabelSetChargingTests() : OwnServerTests(
    "--ClipGrains:Batching:MaxTextQueueLength=200", "--ClipGrains:LabelSets:MaxLabels=6000",
    "--ClipGrains:LabelSets:MaxSetsPerTenant=10", "--ClipGrains:LabelSets:MaxStoredBytesPerTenant=2000000")
{
    private HttpClient As(string key)
    {
        var client = new HttpClient { BaseAddress = Server.Http.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private async Task<(long Balance, long Reserved, long Credits, long Texts)> AccountAsync(string tenantId)
    {
        var json = (await ReadAsync(await Server.Admin.GetAsync($"/admin/v1/tenants/{tenantId}"))).Json;
        var tenant = json.GetProperty("tenant");
        var totals = json.GetProperty("totals");
        return (tenant.GetProperty("balance").GetInt64(), tenant.GetProperty("reserved").GetInt64(), totals.GetProperty("credits").GetInt64(), totals.GetProperty("texts").GetInt64());
    }

    [SkippableFact]
    public async Task Concurrent_builds_larger_than_the_text_queue_wait_for_room_and_are_each_charged_once()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 100_000);
        using var client = As(key);
        var labels = Enumerable.Range(0, 300).Select(i => $"label {i}").ToArray();

        // 8 builds of 300 prompts against a 200-prompt queue (100 per tenant): every one must fit in smaller calls.
        var builds = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.PostAsync("/v1/label-sets?wait=true", Body(new { name = $"big-{i}", labels }))));

        foreach (var build in builds)
        {
            var (status, json) = await ReadAsync(build);
            Assert.Equal(201, status);
            Assert.Equal("ready", json.GetProperty("status").GetString());
        }

        Assert.Equal((100_000 - 2400L, 0L, 2400L, 2400L), await AccountAsync(tenantId));
    }

    [SkippableFact]
    public async Task A_set_deleted_while_it_builds_is_charged_only_for_the_prompts_computed()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 100_000);
        using var client = As(key);
        var labels = Enumerable.Range(0, 6000).Select(i => $"label {i}").ToArray();

        var (created, _) = await ReadAsync(await client.PostAsync("/v1/label-sets", Body(new { name = "doomed", labels })));
        var deleted = await client.DeleteAsync("/v1/label-sets/doomed");

        Assert.Equal(202, created);
        Assert.Equal(204, (int)deleted.StatusCode);
        var (balance, reserved, credits, texts) = await AccountAsync(tenantId);
        Assert.Equal(0, reserved);
        Assert.Equal(100_000, balance + credits);
        Assert.Equal(texts, credits);
        Assert.InRange(credits, 0, 5999);
    }

    [SkippableFact]
    public async Task A_tenant_keeps_at_most_its_quota_of_sets_and_stored_bytes_and_a_delete_frees_room()
    {
        var (_, key) = await Server.CreateTenantAsync(credits: 100_000);
        using var client = As(key);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(201, (int)(await client.PostAsync("/v1/label-sets?wait=true", Body(new { name = $"s{i}", labels = new[] { "cat" } }))).StatusCode);
        }

        var (status, error) = await ReadAsync(await client.PostAsync("/v1/label-sets", Body(new { name = "s10", labels = new[] { "cat" } })));
        AssertError(403, "label_set_quota_exceeded", (status, error));
        Assert.Equal("This tenant has 10 label sets, the most allowed (10); delete one first.", error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(204, (int)(await client.DeleteAsync("/v1/label-sets/s9")).StatusCode);

        // 6000 labels × 32 floats × 4 bytes is 768,000 bytes of matrix plus the labels' text: two fit in 2,000,000, three do not.
        var labels = Enumerable.Range(0, 6000).Select(i => $"l{i}").ToArray();
        Assert.Equal(204, (int)(await client.DeleteAsync("/v1/label-sets/s8")).StatusCode);
        Assert.Equal(204, (int)(await client.DeleteAsync("/v1/label-sets/s7")).StatusCode);
        Assert.Equal(202, (int)(await client.PostAsync("/v1/label-sets", Body(new { name = "big-a", labels }))).StatusCode);
        Assert.Equal(202, (int)(await client.PostAsync("/v1/label-sets", Body(new { name = "big-b", labels }))).StatusCode);
        var tooBig = await ReadAsync(await client.PostAsync("/v1/label-sets", Body(new { name = "big-c", labels })));
        AssertError(403, "label_set_quota_exceeded", tooBig);
        Assert.StartsWith("Label sets would take", tooBig.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var balance = (await ReadAsync(await client.GetAsync("/v1/usage"))).Json.GetProperty("tenant");
        Assert.Equal(100_000 - 10 - 12_000, balance.GetProperty("balance").GetInt64());
    }
}
