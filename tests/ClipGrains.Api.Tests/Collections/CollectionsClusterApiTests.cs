using System.Net.Http.Headers;
using ClipGrains.Api.Tests.Server;
using ClipGrains.Grains.Tests.Support;
using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Collections;

/// <summary>
/// Destructive and slow: two <c>clipgrains serve</c> processes on one PostgreSQL database. An item acknowledged by one
/// gateway is found at once through the other; a deleted one is never returned; a killed silo's shards come back on the
/// survivor from the store.
/// </summary>
[Trait("Category", "postgres")]
[Collection(ProcessClusterGroup.Name)]
public sealed class CollectionsClusterApiTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(120);

    private static HttpClient As(SiloProcess silo, string key)
    {
        var client = new HttpClient { BaseAddress = silo.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>
    /// Sends until the answer is not a 503: a dead silo's grains (the collection's, and each shard's separately) are
    /// unreachable until membership declares it dead, and each of those answers is a 503 with Retry-After. Any other
    /// status, or a 503 past the deadline, is returned for the test to judge.
    /// </summary>
    private static async Task<HttpResponseMessage> ServedAsync(Func<Task<HttpResponseMessage>> send, DateTime deadline)
    {
        while (true)
        {
            var response = await send();
            if ((int)response.StatusCode != 503 || DateTime.UtcNow >= deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    [SkippableFact]
    public async Task Writes_through_one_gateway_are_read_through_the_other_and_survive_a_killed_silo()
    {
        await using var postgres = await TestPostgres.CreateDatabaseAsync();
        await using var a = SiloProcess.Start(GoldenData.TinyClip, postgres.ConnectionString);
        await using var b = SiloProcess.Start(GoldenData.TinyClip, postgres.ConnectionString);
        await Task.WhenAll(a.WaitReadyAsync(Startup), b.WaitReadyAsync(Startup));
        var tenant = await ReadAsync(await a.Admin.PostAsync("/admin/v1/tenants", Body(new { name = "c", credits = 1_000_000, limits = new { requests_per_minute = 100_000, images_per_minute = 100_000 } })));
        var key = (await ReadAsync(await b.Admin.PostAsync($"/admin/v1/tenants/{tenant.Json.GetProperty("id").GetString()}/keys", Body(new { name = "k" })))).Json.GetProperty("key").GetString()!;
        using var viaA = As(a, key);
        using var viaB = As(b, key);
        Assert.Equal(201, (await ReadAsync(await viaA.PostAsync("/v1/collections", Body(new { name = "photos", shards = 4 })))).Status);

        // Each batch written through one gateway and searched at once through the other: its own items are found first.
        var vectors = Enumerable.Range(0, 20).Select(i => Enumerable.Range(0, 32).Select(d => (float)Math.Sin((i * 31) + (d * 7) + 1)).ToArray()).ToList();
        var acknowledged = new List<string>();
        for (var i = 0; i < vectors.Count; i++)
        {
            var (writer, reader) = i % 2 == 0 ? (viaA, viaB) : (viaB, viaA);
            var id = $"item/{i:D2}";
            var (status, written) = await ReadAsync(await writer.PostAsync("/v1/collections/photos/items", Body(new { items = new[] { new { id, embedding = vectors[i], metadata = new { i } } } })));
            Assert.Equal(200, status);
            Assert.Equal("created", written.GetProperty("data")[0].GetProperty("status").GetString());
            acknowledged.Add(id);
            var hits = (await ReadAsync(await reader.PostAsync("/v1/collections/photos/search", Body(new { query = new { embedding = vectors[i] }, top_k = 1 })))).Json;
            Assert.Equal(id, hits.GetProperty("data")[0].GetProperty("id").GetString());
        }

        Assert.Equal(20, (await ReadAsync(await viaB.GetAsync("/v1/collections/photos"))).Json.GetProperty("item_count").GetInt64());

        // Deleted through B: never returned through A.
        Assert.Equal(200, (await ReadAsync(await viaB.PostAsync("/v1/collections/photos/items/delete", Body(new { filter = new { type = "lt", key = "i", value = 5 } })))).Status);
        var remaining = (await ReadAsync(await viaA.PostAsync("/v1/collections/photos/search", Body(new { query = new { embedding = vectors[0] }, top_k = 100 })))).Json;
        Assert.Equal(15, remaining.GetProperty("data").GetArrayLength());
        Assert.DoesNotContain(remaining.GetProperty("data").EnumerateArray(), h => h.GetProperty("metadata").GetProperty("i").GetInt32() < 5);

        // A is killed: B serves every acknowledged, undeleted item, its shards rebuilt from PostgreSQL.
        a.Kill();
        var ids = new List<string>();
        string? after = null;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var cursor = after;
            var page = (await ReadAsync(await ServedAsync(() => viaB.GetAsync($"/v1/collections/photos/items?limit=7{(cursor is null ? string.Empty : "&after=" + Uri.EscapeDataString(cursor))}"), deadline))).Json;
            ids.AddRange(page.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetString()!));
            if (!page.GetProperty("has_more").GetBoolean())
            {
                break;
            }

            after = ids[^1];
        }

        Assert.Equal(acknowledged.Skip(5), ids);
        for (var i = 5; i < vectors.Count; i += 3)
        {
            var query = vectors[i];
            var response = await ServedAsync(() => viaB.PostAsync("/v1/collections/photos/search", Body(new { query = new { embedding = query }, top_k = 1 })), deadline);
            Assert.Equal($"item/{i:D2}", (await ReadAsync(response)).Json.GetProperty("data")[0].GetProperty("id").GetString());
        }
    }
}
