using System.Net.Http.Headers;
using ClipGrains.Api.Tests.Server;
using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Collections;

/// <summary>Destructive: its own server with small collection quotas. Every charge exact, in the log with its collection; quotas refuse and free.</summary>
[Trait("Category", "api")]
public sealed class CollectionChargingTests() : OwnServerTests(
    "--ClipGrains:Collections:MaxItemsPerTenant=5", "--ClipGrains:Collections:MaxCollectionsPerTenant=2",
    "--ClipGrains:Collections:MaxDeletesPerRequest=3", "--ClipGrains:Collections:MaxScannedPerPage=2")
{
    private async Task<(string Tenant, HttpClient Client)> TenantAsync(long credits)
    {
        var (tenant, key) = await Server.CreateTenantAsync(credits);
        var client = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (tenant, client);
    }

    private async Task<long> BalanceAsync(string tenant) =>
        (await ReadAsync(await Server.Admin.GetAsync($"/admin/v1/tenants/{tenant}"))).Json.GetProperty("tenant").GetProperty("balance").GetInt64();

    [SkippableFact]
    public async Task Stores_searches_and_tags_are_charged_exactly_and_reported_per_collection()
    {
        var (tenant, client) = await TenantAsync(1000);
        using var http = client;
        Assert.Equal(201, (await ReadAsync(await http.PostAsync("/v1/collections", Body(new { name = "shop" })))).Status);
        Assert.Equal(1000, await BalanceAsync(tenant));

        // One image (10) and one text (1) encoded, three items stored (1 each).
        var vector = Enumerable.Range(0, 32).Select(i => (float)(i + 1)).ToArray();
        using var upsert = new HttpRequestMessage(HttpMethod.Post, "/v1/collections/shop/items")
        {
            Content = Body(new { items = new object[] { new { id = "h", image = DataUri(GoldenData.Image("horse.png")) }, new { id = "t", text = "a horse" }, new { id = "e", embedding = vector } } }),
        };
        upsert.Headers.Add("Idempotency-Key", "shop-upsert-1");
        var (status, stored) = await ReadAsync(await http.SendAsync(upsert));
        Assert.Equal(200, status);
        Assert.Equal(14, stored.GetProperty("usage").GetProperty("credits").GetInt64());
        Assert.Equal(986, await BalanceAsync(tenant));

        // The same key again is a replay: the same answer, not charged again.
        using var again = new HttpRequestMessage(HttpMethod.Post, "/v1/collections/shop/items")
        {
            Content = Body(new { items = new object[] { new { id = "h", image = DataUri(GoldenData.Image("horse.png")) }, new { id = "t", text = "a horse" }, new { id = "e", embedding = vector } } }),
        };
        again.Headers.Add("Idempotency-Key", "shop-upsert-1");
        var replay = await http.SendAsync(again);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(986, await BalanceAsync(tenant));

        // Searches: 1 each, plus the query's encoding (a prompt 1, an image 10).
        Assert.Equal(2, (await ReadAsync(await http.PostAsync("/v1/collections/shop/search", Body(new { query = new { text = "a horse" } })))).Json.GetProperty("usage").GetProperty("credits").GetInt64());
        Assert.Equal(1, (await ReadAsync(await http.PostAsync("/v1/collections/shop/search", Body(new { query = new { embedding = vector } })))).Json.GetProperty("usage").GetProperty("credits").GetInt64());
        Assert.Equal(1, (await ReadAsync(await http.PostAsync("/v1/collections/shop/search", Body(new { query = new { item_id = "h" } })))).Json.GetProperty("usage").GetProperty("credits").GetInt64());
        Assert.Equal(11, (await ReadAsync(await http.PostAsync("/v1/collections/shop/search", Body(new { query = new { image = DataUri(GoldenData.Image("coffee.png")) } })))).Json.GetProperty("usage").GetProperty("credits").GetInt64());

        // Tagging: two prompts (1 each) and one per item tagged; no image encoded again.
        var (tagged, tags) = await ReadAsync(await http.PostAsync("/v1/collections/shop/classify", Body(new { labels = new[] { "horse", "cat" }, limit = 2 })));
        Assert.Equal(200, tagged);
        Assert.Equal(["e", "h"], tags.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.True(tags.GetProperty("has_more").GetBoolean());
        Assert.Equal(4, tags.GetProperty("usage").GetProperty("credits").GetInt64());
        Assert.Equal(0, tags.GetProperty("usage").GetProperty("images").GetInt32());
        Assert.Equal(1000 - 14 - 2 - 1 - 1 - 11 - 4, await BalanceAsync(tenant));

        // Deletes and reads are not charged; a refused request (bad query) is not charged either.
        await http.PostAsync("/v1/collections/shop/search", Body(new { query = new { } }));
        await http.GetAsync("/v1/collections/shop/items");
        Assert.Equal(967, await BalanceAsync(tenant));

        var usage = (await ReadAsync(await http.GetAsync("/v1/usage"))).Json;
        var shop = Assert.Single(usage.GetProperty("collections").EnumerateArray());
        Assert.Equal(("shop", 6L, 2L, 4L, 33L), (shop.GetProperty("collection").GetString(), shop.GetProperty("requests").GetInt64(),
            shop.GetProperty("images").GetInt64(), shop.GetProperty("texts").GetInt64(), shop.GetProperty("credits").GetInt64()));
        Assert.Equal(33, usage.GetProperty("totals").GetProperty("credits").GetInt64());

        var csv = await Server.Admin.GetStringAsync($"/admin/v1/tenants/{tenant}/usage/records?format=csv");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",collection", lines[0], StringComparison.Ordinal);
        Assert.Equal(6, lines.Skip(1).Count(l => l.EndsWith(",shop", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task Quotas_refuse_growth_allow_replacement_and_are_freed_by_deletes()
    {
        var (tenant, client) = await TenantAsync(10_000);
        using var http = client;
        Assert.Equal(201, (await ReadAsync(await http.PostAsync("/v1/collections", Body(new { name = "a" })))).Status);
        Assert.Equal(201, (await ReadAsync(await http.PostAsync("/v1/collections", Body(new { name = "b" })))).Status);
        AssertError(403, "collection_quota_exceeded", await ReadAsync(await http.PostAsync("/v1/collections", Body(new { name = "c" }))));

        object Items(params string[] ids) => new { items = ids.Select(id => new { id, text = $"a photo of {id}" }).ToArray() };
        Assert.Equal(200, (await ReadAsync(await http.PostAsync("/v1/collections/a/items", Body(Items("1", "2", "3"))))).Status);
        Assert.Equal(200, (await ReadAsync(await http.PostAsync("/v1/collections/b/items", Body(Items("x"))))).Status);
        var before = await BalanceAsync(tenant);

        // Five items across the tenant's collections at most: two more is refused whole, and not charged.
        var (refused, error) = await ReadAsync(await http.PostAsync("/v1/collections/b/items", Body(Items("y", "z"))));
        AssertError(403, "collection_quota_exceeded", (refused, error));
        Assert.Contains("quota of 5", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await BalanceAsync(tenant));

        // Replacing stored items does not grow the count; one more fits exactly.
        Assert.Equal(200, (await ReadAsync(await http.PostAsync("/v1/collections/a/items", Body(Items("1", "2", "3"))))).Status);
        Assert.Equal(200, (await ReadAsync(await http.PostAsync("/v1/collections/b/items", Body(Items("y"))))).Status);
        AssertError(403, "collection_quota_exceeded", await ReadAsync(await http.PostAsync("/v1/collections/b/items", Body(Items("z")))));

        // Deleting items or a whole collection frees its share of the quota.
        Assert.Equal(200, (await ReadAsync(await http.DeleteAsync("/v1/collections/a/items/1"))).Status);
        Assert.Equal(200, (await ReadAsync(await http.PostAsync("/v1/collections/b/items", Body(Items("z"))))).Status);
        Assert.Equal(200, (await ReadAsync(await http.DeleteAsync("/v1/collections/a"))).Status);
        Assert.Equal(201, (await ReadAsync(await http.PostAsync("/v1/collections", Body(new { name = "c" })))).Status);
        Assert.Equal(200, (await ReadAsync(await http.PostAsync("/v1/collections/c/items", Body(Items("1", "2"))))).Status);
        Assert.Equal(3, (await ReadAsync(await http.GetAsync("/v1/collections/b"))).Json.GetProperty("item_count").GetInt64());
    }

    [SkippableFact]
    public async Task Deletes_by_filter_and_filtered_pages_are_bounded_and_say_there_is_more()
    {
        var (_, client) = await TenantAsync(10_000);
        using var http = client;
        Assert.Equal(201, (await ReadAsync(await http.PostAsync("/v1/collections", Body(new { name = "bounded", shards = 2 })))).Status);
        var vector = Enumerable.Range(0, 32).Select(i => (float)(i + 1)).ToArray();
        var items = new[] { "a", "b", "c", "d", "e" }.Select(id => new { id, embedding = vector, metadata = new { keep = id == "e" } }).ToArray();
        Assert.Equal(200, (await ReadAsync(await http.PostAsync("/v1/collections/bounded/items", Body(new { items })))).Status);

        // A filtered tagging page reads at most 2 rows: only "e" matches, so pages come back short until it is reached.
        var pages = new List<(int Count, bool More)>();
        string? after = null;
        do
        {
            var page = (await ReadAsync(await http.PostAsync("/v1/collections/bounded/classify", Body(new { labels = new[] { "x", "y" }, filter = new { type = "eq", key = "keep", value = true }, after })))).Json;
            pages.Add((page.GetProperty("data").GetArrayLength(), page.GetProperty("has_more").GetBoolean()));
            after = page.GetProperty("has_more").GetBoolean() ? page.GetProperty("last_id").GetString() : null;
        }
        while (after is not null);
        Assert.Equal([(0, true), (0, true), (1, false)], pages);

        // At most 3 deleted per request, in id order; the rest on the next.
        var first = (await ReadAsync(await http.PostAsync("/v1/collections/bounded/items/delete", Body(new { filter = new { type = "eq", key = "keep", value = false } })))).Json;
        Assert.Equal(["a", "b", "c"], first.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        var second = (await ReadAsync(await http.PostAsync("/v1/collections/bounded/items/delete", Body(new { filter = new { type = "eq", key = "keep", value = false } })))).Json;
        Assert.Equal(["d"], second.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.False(second.GetProperty("has_more").GetBoolean());
        Assert.Equal(1, (await ReadAsync(await http.GetAsync("/v1/collections/bounded"))).Json.GetProperty("item_count").GetInt64());
    }
}
