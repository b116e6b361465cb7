using System.Net.Http.Headers;
using System.Text.Json;
using ClipGrains.Api.Tests.Server;
using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Collections;

/// <summary>Collections end to end on the golden server: items of every kind, search of every query kind, paging, deletes, isolation and bad input.</summary>
[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class CollectionsApiTests(GoldenServerFixture fixture) : IAsyncLifetime
{
    private HttpClient? _http;

    private RunningServer Server => fixture.Server;

    // Each test is a tenant of its own: collection quotas and names never meet another test's.
    private HttpClient Http => _http!;

    public async Task InitializeAsync()
    {
        if (GoldenData.IsAvailable)
        {
            _http = await ClientAsync(Server, credits: 1_000_000);
        }
    }

    public Task DisposeAsync()
    {
        _http?.Dispose();
        return Task.CompletedTask;
    }

    internal static async Task<HttpClient> ClientAsync(RunningServer server, long credits)
    {
        var (_, key) = await server.CreateTenantAsync(credits);
        var client = new HttpClient { BaseAddress = server.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private async Task<string> CreateAsync(object? extra = null, HttpClient? client = null)
    {
        var name = Unique("col");
        var body = JsonSerializer.SerializeToNode(extra ?? new { })!.AsObject();
        body["name"] = name;
        var (status, json) = await ReadAsync(await (client ?? Http).PostAsync("/v1/collections", Raw(body.ToJsonString())));
        Assert.True(status == 201, json.ToString());
        return name;
    }

    [SkippableFact]
    public async Task Items_of_every_kind_are_stored_found_paged_replaced_and_deleted()
    {
        var name = Unique("photos");
        var (createdStatus, created) = await ReadAsync(await Http.PostAsync("/v1/collections", Body(new { name, shards = 3, metadata = new { owner = "tests" } })));
        Assert.Equal(201, createdStatus);
        Assert.Equal("collection", created.GetProperty("object").GetString());
        Assert.Equal("clip-vit-base-patch32", created.GetProperty("model").GetString());
        Assert.Equal(32, created.GetProperty("dimensions").GetInt32());
        Assert.Equal(3, created.GetProperty("shards").GetInt32());
        Assert.Equal("auto", created.GetProperty("index").GetProperty("type").GetString());
        Assert.Equal("tests", created.GetProperty("metadata").GetProperty("owner").GetString());

        var horse = DataUri(GoldenData.Image("horse.png"));
        var coffee = DataUri(GoldenData.Image("coffee.png"));
        var (upserted, results) = await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", Body(new
        {
            items = new object[]
            {
                new { id = "horse.png", image = horse, metadata = new { kind = "animal", size = 3, tags = new[] { "farm", "brown" } } },
                new { id = "coffee.png", image_url = coffee, metadata = new { kind = "drink", size = 1, hot = true } },
                new { id = "rocket", text = "a photo of a rocket", metadata = new { kind = "vehicle", size = 9 } },
                new { image = horse.Replace("data:image/png;base64,", string.Empty, StringComparison.Ordinal) },
            },
        })));
        Assert.Equal(200, upserted);
        var data = results.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["horse.png", "coffee.png", "rocket"], data.Take(3).Select(d => d.GetProperty("id").GetString()));
        Assert.All(data, d => Assert.Equal("created", d.GetProperty("status").GetString()));
        var generated = data[3].GetProperty("id").GetString()!;
        Assert.StartsWith("item_", generated, StringComparison.Ordinal);
        Assert.Equal(3, results.GetProperty("usage").GetProperty("images").GetInt32());
        Assert.Equal(4, results.GetProperty("usage").GetProperty("items").GetInt32());

        // The same image stored twice: both are perfect matches, ties broken by id; the text query finds its own text first.
        var (searched, hits) = await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/search", Body(new { query = new { image = horse }, top_k = 2 })));
        Assert.Equal(200, searched);
        Assert.Equal(["horse.png", generated], hits.GetProperty("data").EnumerateArray().Select(h => h.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.All(hits.GetProperty("data").EnumerateArray(), h => Assert.Equal(1.0, h.GetProperty("score").GetDouble(), 5));
        Assert.True(hits.GetProperty("search").GetProperty("exact").GetBoolean());
        Assert.Equal(3, hits.GetProperty("search").GetProperty("shards").GetInt32());
        var text = (await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/search", Body(new { query = new { text = "a photo of a rocket" }, top_k = 1 })))).Json;
        Assert.Equal("rocket", text.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(1.0, text.GetProperty("data")[0].GetProperty("score").GetDouble(), 5);
        Assert.Equal(9, text.GetProperty("data")[0].GetProperty("metadata").GetProperty("size").GetDouble());

        // "More like this" leaves the item itself out.
        var like = (await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/search", Body(new { query = new { item_id = "horse.png" }, top_k = 10 })))).Json;
        Assert.Equal(3, like.GetProperty("data").GetArrayLength());
        Assert.Equal(generated, like.GetProperty("data")[0].GetProperty("id").GetString());

        // Pages in id order with OpenAI's list shape.
        var first = (await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items?limit=2"))).Json;
        Assert.Equal(["coffee.png", "horse.png"], first.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        Assert.Equal("horse.png", first.GetProperty("last_id").GetString());
        var second = (await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items?limit=2&after=horse.png"))).Json;
        Assert.Equal([generated, "rocket"], second.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.False(second.GetProperty("has_more").GetBoolean());

        var (gotStatus, item) = await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items/horse.png?include=embedding"));
        Assert.Equal(200, gotStatus);
        Assert.Equal(32, item.GetProperty("embedding").GetArrayLength());
        Assert.Equal(["brown", "farm"], item.GetProperty("metadata").GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Null, (await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items/horse.png"))).Json.GetProperty("embedding").ValueKind);

        // Upsert replaces: the id now holds the coffee image.
        var replaced = (await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", Body(new { items = new[] { new { id = "horse.png", image = coffee } } })))).Json;
        Assert.Equal("updated", replaced.GetProperty("data")[0].GetProperty("status").GetString());
        var info = (await ReadAsync(await Http.GetAsync($"/v1/collections/{name}"))).Json;
        Assert.Equal(4, info.GetProperty("item_count").GetInt64());
        var coffeeHits = (await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/search", Body(new { query = new { image = coffee }, top_k = 2 })))).Json;
        Assert.Equal(["coffee.png", "horse.png"], coffeeHits.GetProperty("data").EnumerateArray().Select(h => h.GetProperty("id").GetString()));

        var (deletedStatus, deleted) = await ReadAsync(await Http.DeleteAsync($"/v1/collections/{name}/items/horse.png"));
        Assert.Equal(200, deletedStatus);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        AssertError(404, "item_not_found", await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items/horse.png")));
        AssertError(404, "item_not_found", await ReadAsync(await Http.DeleteAsync($"/v1/collections/{name}/items/horse.png")));
        var after = (await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/search", Body(new { query = new { image = coffee }, top_k = 10 })))).Json;
        Assert.DoesNotContain(after.GetProperty("data").EnumerateArray(), h => h.GetProperty("id").GetString() == "horse.png");

        var listed = (await ReadAsync(await Http.GetAsync("/v1/collections?limit=100"))).Json;
        Assert.Contains(listed.GetProperty("data").EnumerateArray(), c => c.GetProperty("name").GetString() == name && c.GetProperty("item_count").GetInt64() == 3);

        Assert.Equal(200, (await ReadAsync(await Http.DeleteAsync($"/v1/collections/{name}"))).Status);
        AssertError(404, "collection_not_found", await ReadAsync(await Http.GetAsync($"/v1/collections/{name}")));
        AssertError(404, "collection_not_found", await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/search", Body(new { query = new { text = "x" } }))));
    }

    [SkippableFact]
    public async Task One_undecodable_image_fails_only_its_own_item()
    {
        var name = await CreateAsync();
        var (status, json) = await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", Body(new
        {
            items = new object[]
            {
                new { id = "good", image = DataUri(GoldenData.Image("horse.png")) },
                new { id = "bad", image = "data:image/png;base64," + Convert.ToBase64String("not an image at all"u8.ToArray()) },
            },
        })));
        Assert.Equal(200, status);
        Assert.Equal("created", json.GetProperty("data")[0].GetProperty("status").GetString());
        Assert.Equal("failed", json.GetProperty("data")[1].GetProperty("status").GetString());
        Assert.Equal("items[1].image", json.GetProperty("data")[1].GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(1, json.GetProperty("usage").GetProperty("items").GetInt32());
        AssertError(404, "item_not_found", await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items/bad")));
    }

    [SkippableFact]
    public async Task Another_tenants_collections_and_items_are_not_found()
    {
        var name = await CreateAsync();
        await Http.PostAsync($"/v1/collections/{name}/items", Body(new { items = new[] { new { id = "secret", text = "a cat" } } }));
        using var other = await ClientAsync(Server, credits: 1000);

        AssertError(404, "collection_not_found", await ReadAsync(await other.GetAsync($"/v1/collections/{name}")));
        AssertError(404, "collection_not_found", await ReadAsync(await other.GetAsync($"/v1/collections/{name}/items")));
        AssertError(404, "collection_not_found", await ReadAsync(await other.GetAsync($"/v1/collections/{name}/items/secret")));
        AssertError(404, "collection_not_found", await ReadAsync(await other.DeleteAsync($"/v1/collections/{name}/items/secret")));
        AssertError(404, "collection_not_found", await ReadAsync(await other.PostAsync($"/v1/collections/{name}/search", Body(new { query = new { item_id = "secret" } }))));
        AssertError(404, "collection_not_found", await ReadAsync(await other.DeleteAsync($"/v1/collections/{name}")));
        Assert.Equal(0, (await ReadAsync(await other.GetAsync("/v1/collections"))).Json.GetProperty("data").GetArrayLength());

        // The same name is free in the other tenant's namespace, and holds nothing of the first's.
        Assert.Equal(201, (await ReadAsync(await other.PostAsync("/v1/collections", Body(new { name })))).Status);
        AssertError(404, "item_not_found", await ReadAsync(await other.GetAsync($"/v1/collections/{name}/items/secret")));
        Assert.Equal("secret", (await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items/secret"))).Json.GetProperty("id").GetString());
    }

    [SkippableTheory]
    [InlineData("""{"items":[{"id":"a","embedding":[1,2,3]}]}""", "embedding_dimension_mismatch", "items[0].embedding")]
    [InlineData("""{"items":[{"id":"a","embedding":["NaN"]}]}""", "embedding_dimension_mismatch", "items[0].embedding")]
    [InlineData("""{"items":[{"id":"a"}]}""", "missing_required_parameter", "items[0]")]
    [InlineData("""{"items":[{"id":"a","text":"x","embedding":[1]}]}""", "invalid_request", "items[0]")]
    [InlineData("""{"items":[{"id":"a","text":"x"},{"id":"a","text":"y"}]}""", "duplicate_item_id", "items[1].id")]
    [InlineData("""{"items":[{"id":"has space","text":"x"}]}""", "invalid_item_id", "items[0].id")]
    [InlineData("""{"items":[{"id":"a","text":"x","metadata":{"nested":{"no":1}}}]}""", "invalid_metadata", "items[0].metadata.nested")]
    [InlineData("""{"items":[{"id":"a","text":"x","metadata":"flat"}]}""", "invalid_metadata", "items[0].metadata")]
    [InlineData("""{"items":[]}""", "invalid_request", "items")]
    [InlineData("""{}""", "missing_required_parameter", "items")]
    public async Task Bad_items_are_400s_naming_the_field(string body, string code, string param)
    {
        var name = await CreateAsync();
        AssertError(400, code, await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", Raw(body))), param);
    }

    [SkippableFact]
    public async Task A_nan_in_an_embedding_and_oversized_metadata_are_400s()
    {
        var name = await CreateAsync();
        var vector = string.Join(",", Enumerable.Repeat("0.1", 31));
        AssertError(400, "invalid_embedding", await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", Raw($$"""{"items":[{"id":"a","embedding":[{{vector}},"NaN"]}]}"""))), "items[0].embedding[31]");
        AssertError(400, "invalid_embedding", await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", Raw($$"""{"items":[{"id":"a","embedding":[{{vector}},1e300]}]}"""))), "items[0].embedding[31]");
        var zeros = string.Join(",", Enumerable.Repeat("0", 32));
        AssertError(400, "invalid_embedding", await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", Raw($$"""{"items":[{"id":"a","embedding":[{{zeros}}]}]}"""))), "items[0].embedding");
        var big = new { items = new[] { new { id = "a", text = "x", metadata = new { note = new string('x', 5000) } } } };
        AssertError(400, "metadata_too_large", await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", Body(big))), "items[0].metadata");
    }

    [SkippableTheory]
    [InlineData("""{"top_k":3}""", "missing_required_parameter", "query")]
    [InlineData("""{"query":{}}""", "missing_required_parameter", "query")]
    [InlineData("""{"query":{"text":"a","item_id":"b"}}""", "invalid_request", "query")]
    [InlineData("""{"query":{"text":"a"},"top_k":0}""", "invalid_request", "top_k")]
    [InlineData("""{"query":{"text":"a"},"top_k":101}""", "invalid_request", "top_k")]
    [InlineData("""{"query":{"text":"a"},"filter":{"type":"like","key":"k","value":"v"}}""", "invalid_filter", "filter.type")]
    [InlineData("""{"query":{"text":"a"},"filter":{"type":"and","filters":[{"type":"eq","key":"k"}]}}""", "invalid_filter", "filter.filters[0].value")]
    [InlineData("""{"query":{"text":"a"},"filter":{"type":"gt","key":"k","value":"ten"}}""", "invalid_filter", "filter.value")]
    [InlineData("""{"query":{"text":"a"},"filter":{"type":"in","key":"k","value":[]}}""", "invalid_filter", "filter.value")]
    [InlineData("""{"query":{"text":"a"},"score_threshold":2}""", "invalid_request", "score_threshold")]
    [InlineData("""{"query":{"text":"a"},"score_threshold":1e400}""", "invalid_request", "score_threshold")]
    [InlineData("""{"query":{"text":"a"},"filter":{"type":"in","key":"k","value":[1e400]}}""", "invalid_filter", "filter.value")]
    [InlineData("""{"query":{"text":"a"},"filter":{"type":"gt","key":"k","value":1e400}}""", "invalid_filter", "filter.value")]
    [InlineData("""{"query":{"embedding":[1,2]}}""", "embedding_dimension_mismatch", "query.embedding")]
    [InlineData("""{"query":{"text":"a"},"model":"clip-vit-large"}""", "model_not_found", "model")]
    public async Task Bad_searches_are_4xx_naming_the_field(string body, string code, string param)
    {
        var name = await CreateAsync();
        var (status, json) = await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/search", Raw(body)));
        Assert.True(status is 400 or 404, json.ToString());
        AssertError(status, code, (status, json), param);
    }

    [SkippableFact]
    public async Task A_search_by_a_missing_item_is_a_404_and_a_name_clash_a_409()
    {
        var name = await CreateAsync();
        AssertError(404, "item_not_found", await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/search", Body(new { query = new { item_id = "nobody" } }))), "query.item_id");
        AssertError(409, "collection_exists", await ReadAsync(await Http.PostAsync("/v1/collections", Body(new { name }))), "name");
        AssertError(400, "invalid_name", await ReadAsync(await Http.PostAsync("/v1/collections", Body(new { name = "no spaces please" }))), "name");
        AssertError(400, "invalid_request", await ReadAsync(await Http.PostAsync("/v1/collections", Body(new { name = Unique("x"), shards = 0 }))), "shards");
        AssertError(400, "invalid_request", await ReadAsync(await Http.PostAsync("/v1/collections", Body(new { name = Unique("x"), index = new { type = "ivf" } }))), "index.type");
    }

    [SkippableFact]
    public async Task Items_upload_as_multipart_files_with_ids_and_metadata_fields()
    {
        var name = await CreateAsync();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(File.ReadAllBytes(GoldenData.Image("horse.png"))), "image", "horse.png" },
            { new ByteArrayContent(File.ReadAllBytes(GoldenData.Image("rocket.jpg"))), "image", "rocket.jpg" },
            { new StringContent("photos/horse.png"), "id" },
            { new StringContent("photos/rocket.jpg"), "id" },
            { new StringContent("""{"kind":"animal"}"""), "metadata" },
            { new StringContent("""{"kind":"vehicle"}"""), "metadata" },
        };
        var (status, json) = await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", form));
        Assert.Equal(200, status);
        Assert.Equal(["photos/horse.png", "photos/rocket.jpg"], json.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.Equal(2, json.GetProperty("usage").GetProperty("images").GetInt32());
        var item = (await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items/photos/rocket.jpg"))).Json;
        Assert.Equal("vehicle", item.GetProperty("metadata").GetProperty("kind").GetString());
        var hits = (await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/search", Body(new { query = new { image = DataUri(GoldenData.Image("horse.png")) }, top_k = 1 })))).Json;
        Assert.Equal("photos/horse.png", hits.GetProperty("data")[0].GetProperty("id").GetString());

        using var mismatched = new MultipartFormDataContent
        {
            { new ByteArrayContent(File.ReadAllBytes(GoldenData.Image("horse.png"))), "image", "horse.png" },
            { new StringContent("a"), "id" },
            { new StringContent("b"), "id" },
        };
        AssertError(400, "invalid_request", await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", mismatched)), "id");
    }

    [SkippableFact]
    public async Task A_thumbnail_is_stored_when_given_counted_in_bytes_and_returned_when_asked_for()
    {
        var name = await CreateAsync();
        var png = File.ReadAllBytes(GoldenData.Image("one_pixel.png"));
        var vector = Enumerable.Repeat(0.5f, 32).ToArray();
        var (status, _) = await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items", Body(new
        {
            items = new object[] { new { id = "with", embedding = vector, thumbnail = "data:image/png;base64," + Convert.ToBase64String(png) }, new { id = "without", embedding = vector } },
        })));
        Assert.Equal(200, status);

        var with = (await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items/with?include=thumbnail,embedding"))).Json;
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), with.GetProperty("thumbnail").GetString());
        Assert.Equal(32, with.GetProperty("embedding").GetArrayLength());
        var without = (await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items/without?include=thumbnail"))).Json;
        Assert.Equal(JsonValueKind.Null, without.GetProperty("thumbnail").ValueKind);
        Assert.Equal(png.Length, with.GetProperty("bytes").GetInt64() - without.GetProperty("bytes").GetInt64() + "without".Length - "with".Length);

        AssertError(400, "thumbnail_too_large", await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items",
            Body(new { items = new[] { new { id = "big", embedding = vector, thumbnail = Convert.ToBase64String(new byte[40_000]) } } }))), "items[0].thumbnail");
        AssertError(400, "invalid_thumbnail", await ReadAsync(await Http.PostAsync($"/v1/collections/{name}/items",
            Body(new { items = new[] { new { id = "pdf", embedding = vector, thumbnail = Convert.ToBase64String("%PDF-1.4 not an image"u8.ToArray()) } } }))), "items[0].thumbnail");
        AssertError(400, "invalid_request", await ReadAsync(await Http.GetAsync($"/v1/collections/{name}/items/with?include=everything")), "include");
    }
}
