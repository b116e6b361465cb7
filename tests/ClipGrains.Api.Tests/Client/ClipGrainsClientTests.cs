using ClipGrains.Client;
using ClipGrains.Client.Models;
using ClipGrains.Api.Tests.Server;
using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Client;

/// <summary>The typed .NET client (src/ClipGrains.Client) against the real server on the golden tiny model.</summary>
[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class ClipGrainsClientTests(GoldenServerFixture fixture)
{
    private HttpClient Http(string path) => new() { BaseAddress = new Uri(fixture.Server.Http.BaseAddress!, path) };

    private async Task<(ClipGrainsClient Client, string TenantId, HttpClient Http)> NewTenantAsync(long credits)
    {
        var (tenantId, key) = await fixture.Server.CreateTenantAsync(credits);
        var http = Http("/v1/");
        return (new ClipGrainsClient(http, key), tenantId, http);
    }

    [SkippableFact]
    public async Task Json_and_file_classification_agree_and_report_usage()
    {
        var (client, _, http) = await NewTenantAsync(10_000);
        using var _ = http;
        var image = await File.ReadAllBytesAsync(GoldenData.Image("chelsea.png"));

        var json = await client.ClassifyAsync(new ClassifyRequest(ClassifyRequest.Images([image]), ["cat", "dog", "rocket"]));
        await using var stream = new MemoryStream(image);
        var file = await client.ClassifyFileAsync(stream, "chelsea.png", ["cat", "dog", "rocket"]);

        Assert.Equal("clip-vit-base-patch32", json.Model);
        Assert.Equal(json.Data[0].Labels.Select(l => (l.Label, l.Score)), file.Data[0].Labels.Select(l => (l.Label, l.Score)));
        Assert.Equal((1, 13L), (json.Usage.Images, json.Usage.Credits));
    }

    [SkippableFact]
    public async Task Image_embeddings_equal_the_typed_parts_of_the_raw_api()
    {
        var (client, _, http) = await NewTenantAsync(10_000);
        using var _ = http;
        var image = await File.ReadAllBytesAsync(GoldenData.Image("horse.png"));

        var typed = await client.EmbedImagesAsync([image]);
        var (status, raw) = await ReadAsync(await fixture.Server.Http.PostAsync("/v1/embeddings", Body(new
        {
            input = new object[] { new { type = "image_url", image_url = new { url = "data:image/png;base64," + Convert.ToBase64String(image) } } },
        })));

        Assert.Equal(200, status);
        Assert.Equal(Floats(raw.GetProperty("data")[0].GetProperty("embedding")), typed.Data[0].Vector);
        Assert.Equal(1, typed.Usage.Images);
        Assert.Equal(2, (await client.EmbedTextsAsync(["a", "b"])).Data.Count);
    }

    [SkippableFact]
    public async Task Label_sets_and_usage_through_the_client()
    {
        var (client, _, http) = await NewTenantAsync(10_000);
        using var _ = http;

        var created = await client.CreateLabelSetAsync("pets", new LabelSetRequest(["cat", "dog"], TemplatePreset: "openai-7"), wait: true);
        var replaced = await client.ReplaceLabelSetAsync("pets", new LabelSetRequest(["cat", "dog", "bird"], TemplatePreset: "single"), wait: true);
        var page = await client.ListLabelSetsAsync(limit: 10);
        var classified = await client.ClassifyAsync(new ClassifyRequest(ClassifyRequest.Images([await File.ReadAllBytesAsync(GoldenData.Image("horse.png"))]), LabelSet: "pets", TopK: 2));
        await client.DeleteLabelSetAsync("pets");
        var usage = await client.GetUsageAsync();

        Assert.Equal(("ready", 1, 14), (created.Status, created.Version, created.Progress.Total));
        Assert.Equal(("ready", 2, 3), (replaced.Status, replaced.Version, replaced.Labels!.Count));
        Assert.Equal(["pets"], page.Data.Select(s => s.Name));
        Assert.False(page.HasMore);
        Assert.Equal(2, classified.Data[0].Labels.Count);
        Assert.Equal(10_000 - 14 - 3 - 10, usage.Tenant.Balance);
        var missing = await Assert.ThrowsAsync<ClipGrainsApiException>(() => client.GetLabelSetAsync("pets"));
        Assert.Equal((404, "label_set_not_found"), (missing.Status, missing.Code));
    }

    [SkippableFact]
    public async Task Errors_carry_type_code_param_and_request_id()
    {
        var (client, _, http) = await NewTenantAsync(10_000);
        using var _ = http;

        var error = await Assert.ThrowsAsync<ClipGrainsApiException>(() => client.ClassifyAsync(new ClassifyRequest(["data:image/png;base64,iVBORw0KGgo="], ["cat"])));

        Assert.Equal((400, "invalid_request_error", "invalid_image", "input[0]"), (error.Status, error.Type, error.Code, error.Param));
        Assert.Matches("^req_[0-9a-f]{24}$", error.RequestId);
    }

    [SkippableFact]
    public async Task The_admin_client_creates_tenants_keys_and_credits()
    {
        using var http = Http("/admin/v1/");
        var admin = new ClipGrainsAdminClient(http, RunningServer.AdminKey);

        var tenant = await admin.CreateTenantAsync(new CreateTenantRequest("client test", 100, new TenantLimits(60, 60)));
        var key = await admin.CreateKeyAsync(tenant.Id, "ci");
        var topUp = await admin.TopUpAsync(tenant.Id, 50, "test", "client-top-up-1");
        var again = await admin.TopUpAsync(tenant.Id, 50, "test", "client-top-up-1");
        using var v1 = Http("/v1/");
        var usage = await new ClipGrainsClient(v1, key.Key).GetUsageAsync();
        await admin.RevokeKeyAsync(tenant.Id, key.Id);
        var revoked = await Assert.ThrowsAsync<ClipGrainsApiException>(() => new ClipGrainsClient(v1, key.Key).GetUsageAsync());

        Assert.Equal((100L, false), (tenant.Balance, tenant.Suspended));
        Assert.StartsWith("cg_", key.Key, StringComparison.Ordinal);
        Assert.Equal((150L, 150L), (topUp.Balance, again.Balance));
        Assert.Equal((tenant.Id, 150L), (usage.Tenant.Id, usage.Tenant.Balance));
        Assert.Equal((401, "invalid_api_key"), (revoked.Status, revoked.Code));
        var wrong = await Assert.ThrowsAsync<ClipGrainsApiException>(() => new ClipGrainsAdminClient(http, "cga_not-the-operator-key-0").GetTenantAsync(tenant.Id));
        Assert.Equal((401, "invalid_admin_key"), (wrong.Status, wrong.Code));
    }

    [SkippableFact]
    public async Task Collections_round_trip_through_the_typed_client()
    {
        var (client, _, http) = await NewTenantAsync(10_000);
        using var _ = http;
        var tags = System.Text.Json.JsonSerializer.SerializeToElement(new[] { "farm" });
        var created = await client.CreateCollectionAsync(new CreateCollectionRequest("pictures", Shards: 2, Index: new CollectionIndex(Type: "flat")));
        Assert.Equal((32, 2, "flat"), (created.Dimensions, created.Shards, created.Index.Type));

        var horse = await File.ReadAllBytesAsync(GoldenData.Image("horse.png"));
        var stored = await client.UpsertItemsAsync("pictures",
        [
            ItemInput.FromImage("horse", horse, new Dictionary<string, System.Text.Json.JsonElement> { ["tags"] = tags }),
            new ItemInput("words", Text: "a photo of a cat"),
        ], idempotencyKey: "client-upsert");
        Assert.Equal(["created", "created"], stored.Data.Select(r => r.Status));
        Assert.Equal(10 + 1 + 2, stored.Usage.Credits);

        var hits = await client.SearchAsync("pictures", new SearchRequest(new SearchQuery(Image: "data:image/png;base64," + Convert.ToBase64String(horse)), TopK: 1, Filter: Filter.Eq("tags", "farm")));
        Assert.Equal("horse", Assert.Single(hits.Data).Id);
        Assert.Equal(1.0, hits.Data[0].Score, 5);

        var page = await client.ListItemsAsync("pictures", limit: 1, withEmbeddings: true);
        Assert.Equal(("horse", true, 32), (page.Data[0].Id, page.HasMore, page.Data[0].Embedding!.Count));
        var tagged = await client.ClassifyItemsAsync("pictures", new ClassifyItemsRequest(Labels: ["horse", "cat"], TopK: 1));
        Assert.Equal(["horse", "words"], tagged.Data.Select(t => t.Id));

        Assert.Equal("deleted", (await client.DeleteMatchingItemsAsync("pictures", Filter.Eq("tags", "farm"))).Data.Single().Status);
        Assert.Equal("not_found", (await client.DeleteItemsAsync("pictures", ["horse"])).Data.Single().Status);
        Assert.Equal(1, (await client.GetCollectionAsync("pictures")).ItemCount);
        Assert.Equal("words", (await client.GetItemAsync("pictures", "words")).Id);
        Assert.Contains((await client.ListCollectionsAsync()).Data, c => c.Name == "pictures");
        await client.DeleteCollectionAsync("pictures");
        var missing = await Assert.ThrowsAsync<ClipGrainsApiException>(() => client.GetCollectionAsync("pictures"));
        Assert.Equal(404, missing.Status);
    }
}
