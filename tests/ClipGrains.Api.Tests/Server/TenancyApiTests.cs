using System.Net.Http.Headers;
using ClipGrains.Host.Tests.Cli;
using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class TenancyApiTests(GoldenServerFixture fixture)
{
    private RunningServer Server => fixture.Server;

    private HttpClient As(string apiKey)
    {
        var client = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private static object Embedding(string text) => new { model = "clip-vit-base-patch32", input = text };

    private async Task<long> BalanceAsync(string tenantId) =>
        (await ReadAsync(await Server.Admin.GetAsync($"/admin/v1/tenants/{tenantId}"))).Json.GetProperty("tenant").GetProperty("balance").GetInt64();

    [SkippableFact]
    public async Task The_full_tenant_flow_through_the_admin_commands()
    {
        string[] admin = ["--url", Server.Http.BaseAddress!.ToString(), "--admin-key", RunningServer.AdminKey];
        var tenant = (await CliRun.InvokeAsync(["admin", "tenants", "create", "--name", "acme", "--credits", "100", "--requests-per-minute", "50", .. admin])).Json();
        var tenantId = tenant.GetProperty("id").GetString()!;
        Assert.Equal(100, tenant.GetProperty("balance").GetInt64());
        var key = (await CliRun.InvokeAsync(["admin", "keys", "create", tenantId, "--name", "ci", .. admin])).Json();
        using var client = As(key.GetProperty("key").GetString()!);

        var response = await client.PostAsync("/v1/embeddings", Body(Embedding("a photo of a cat")));
        var (status, json) = await ReadAsync(response);
        Assert.Equal(200, status);
        Assert.Equal(1, json.GetProperty("usage").GetProperty("credits").GetInt64());
        Assert.Equal("50", response.Headers.GetValues("x-ratelimit-limit-requests").Single());
        Assert.Equal("49", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal("1.2s", response.Headers.GetValues("x-ratelimit-reset-requests").Single());

        var usage = (await ReadAsync(await client.GetAsync("/v1/usage"))).Json;
        Assert.Equal(99, usage.GetProperty("tenant").GetProperty("balance").GetInt64());
        Assert.Equal(1, usage.GetProperty("totals").GetProperty("texts").GetInt64());
        var limits = usage.GetProperty("rate_limits");
        Assert.Equal(50, limits.GetProperty("requests").GetProperty("limit").GetInt32());
        // One request taken 1.2 s of allowance; it refills on the real clock, so 50 if the GET came more than 1.2 s later.
        Assert.InRange(limits.GetProperty("requests").GetProperty("remaining").GetInt32(), 49, 50);
        var images = limits.GetProperty("images");
        Assert.Equal(images.GetProperty("limit").GetInt32(), images.GetProperty("remaining").GetInt32());
        Assert.Equal(0, images.GetProperty("reset_seconds").GetDouble());

        var topUp = (await CliRun.InvokeAsync(["admin", "credits", "add", tenantId, "--amount", "50", "--reason", "test", "--idempotency-key", "t1", .. admin])).Json();
        Assert.Equal(149, topUp.GetProperty("balance").GetInt64());
        Assert.Equal(149, (await CliRun.InvokeAsync(["admin", "credits", "add", tenantId, "--amount", "50", "--reason", "test", "--idempotency-key", "t1", .. admin])).Json().GetProperty("balance").GetInt64());

        var keys = (await CliRun.InvokeAsync(["admin", "keys", "list", tenantId, .. admin])).Json();
        Assert.DoesNotContain(key.GetProperty("key").GetString()!, keys.GetRawText(), StringComparison.Ordinal);
        var revoke = await CliRun.InvokeAsync(["admin", "keys", "revoke", tenantId, key.GetProperty("id").GetString()!, .. admin]);
        Assert.Equal(0, revoke.ExitCode);
        // The key authenticated a moment ago, so this silo remembers it (Auth:VerdictCacheTime): only the revocation's push
        // to every silo's cache makes this very next request a 401.
        AssertError(401, "invalid_api_key", await ReadAsync(await client.PostAsync("/v1/embeddings", Body(Embedding("a dog")))));
    }

    [SkippableTheory]
    [InlineData(null)]
    [InlineData("Bearer sk-not-ours")]
    [InlineData("Bearer cg_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Calls_without_a_valid_key_are_401(string? authorization)
    {
        using var client = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        AssertError(401, "invalid_api_key", await ReadAsync(await client.GetAsync("/v1/models")));
        AssertError(401, "invalid_api_key", await ReadAsync(await client.PostAsync("/v1/embeddings", Body(Embedding("x")))));
    }

    [SkippableFact]
    public async Task Admin_calls_on_a_missing_tenant_are_404()
    {
        using var topUp = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/tenants/tn_missing/credits") { Content = Body(new { amount = 5 }) };
        topUp.Headers.Add("Idempotency-Key", "k");

        AssertError(404, "tenant_not_found", await ReadAsync(await Server.Admin.SendAsync(topUp)));
        AssertError(404, "tenant_not_found", await ReadAsync(await Server.Admin.PostAsync("/admin/v1/tenants/tn_missing/keys", Body(new { name = "x" }))));
        AssertError(404, "tenant_not_found", await ReadAsync(await Server.Admin.GetAsync("/admin/v1/tenants/tn_missing")));
    }

    [SkippableFact]
    public async Task The_admin_api_needs_the_operator_key()
    {
        AssertError(401, "invalid_admin_key", await ReadAsync(await Server.Http.GetAsync("/admin/v1/tenants")));
    }

    [SkippableFact]
    public async Task A_request_the_balance_cannot_cover_is_429_insufficient_quota_and_runs_nothing()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 5);
        using var client = As(key);
        var images = Server.ModelHost.Statistics.Images;

        var response = await client.PostAsync("/v1/embeddings", Body(new { modality = "image", input = new[] { DataUri(GoldenData.Image("horse.png")) } }));

        AssertError(429, "insufficient_quota", await ReadAsync(response));
        Assert.Equal(images, Server.ModelHost.Statistics.Images);
        Assert.Equal(5, await BalanceAsync(tenantId));
    }

    [SkippableFact]
    public async Task A_tenant_with_an_empty_balance_is_refused_before_its_first_body_is_read()
    {
        // Bodies the server answers 400 when it parses them: a 429 proves the refusal came first, on the tenant's very
        // first requests (nothing was remembered of it yet), for JSON and multipart alike.
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 0);
        using var client = As(key);
        using var json = new StringContent("{\"model\": \"clip-vit-base-patch32\", \"input\": [", System.Text.Encoding.UTF8, "application/json");
        using var form = new MultipartFormDataContent("x") { { new StringContent("not an image"), "file", "a.png" } };

        var answers = await Task.WhenAll(
            client.PostAsync("/v1/embeddings", json), client.PostAsync("/v1/classifications", form));

        foreach (var answer in answers)
        {
            AssertError(429, "insufficient_quota", await ReadAsync(answer));
        }

        Assert.Equal(0, await BalanceAsync(tenantId));
    }

    [SkippableFact]
    public async Task Rate_limited_requests_are_429_with_retry_after_and_openai_headers()
    {
        var (_, key) = await Server.CreateTenantAsync(credits: 1000, requestsPerMinute: 2);
        using var client = As(key);
        await client.PostAsync("/v1/embeddings", Body(Embedding("a")));
        await client.PostAsync("/v1/embeddings", Body(Embedding("b")));

        var response = await client.PostAsync("/v1/embeddings", Body(Embedding("c")));

        var (status, json) = await ReadAsync(response);
        Assert.Equal(429, status);
        Assert.Equal("rate_limit_exceeded", json.GetProperty("error").GetProperty("code").GetString());
        Assert.True(int.Parse(response.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 30);
        Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
    }

    [SkippableFact]
    public async Task A_retry_with_the_same_idempotency_key_replays_and_is_charged_once()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 1000);
        using var client = As(key);
        HttpRequestMessage Request(string text)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = Body(Embedding(text)) };
            request.Headers.Add("Idempotency-Key", "order-42");
            return request;
        }

        var first = await client.SendAsync(Request("a photo of a cat"));
        var second = await client.SendAsync(Request("a photo of a cat"));
        var other = await client.SendAsync(Request("a photo of a dog"));

        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        AssertError(422, "idempotency_key_reused", await ReadAsync(other));
        Assert.Equal(999, await BalanceAsync(tenantId));
    }

    [SkippableFact]
    public async Task Concurrent_calls_with_one_key_are_charged_exactly_once()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 1000);
        using var client = As(key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = Body(Embedding("one key")) };
            request.Headers.Add("Idempotency-Key", "same");
            return client.SendAsync(request);
        }));

        Assert.All(responses, r => Assert.Contains((int)r.StatusCode, new[] { 200, 409 }));
        Assert.All(responses.Where(r => (int)r.StatusCode == 409), r => Assert.Equal("true", r.Headers.GetValues("x-should-retry").Single()));
        Assert.Equal(999, await BalanceAsync(tenantId));
    }

    [SkippableFact]
    public async Task An_undecodable_image_is_400_and_charges_nothing()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 1000);
        using var client = As(key);

        var response = await client.PostAsync("/v1/embeddings", Body(new { modality = "image", input = new[] { "data:image/png;base64,iVBORw0KGgo=" } }));

        AssertError(400, "invalid_image", await ReadAsync(response));
        Assert.Equal(1000, await BalanceAsync(tenantId));

        // Not charged, but not invisible: the tenant's usage counts the refused request.
        var totals = (await ReadAsync(await client.GetAsync("/v1/usage"))).Json.GetProperty("totals");
        Assert.Equal((0L, 1L, 0L), (totals.GetProperty("requests").GetInt64(), totals.GetProperty("refused").GetInt64(), totals.GetProperty("credits").GetInt64()));
    }

    [SkippableFact]
    public async Task Usage_breaks_down_by_key_and_model_and_the_export_equals_what_the_responses_charged()
    {
        var (tenantId, firstKey) = await Server.CreateTenantAsync(credits: 10_000);
        var second = (await ReadAsync(await Server.Admin.PostAsync($"/admin/v1/tenants/{tenantId}/keys", Body(new { name = "second" })))).Json;
        var firstId = firstKey.Split('_')[1];
        var secondId = second.GetProperty("id").GetString()!;
        using var a = As(firstKey);
        using var b = As(second.GetProperty("key").GetString()!);
        var charged = new Dictionary<string, long> { [firstId] = 0, [secondId] = 0 };
        async Task CallAsync(HttpClient client, string keyId, string path, object body)
        {
            var (status, json) = await ReadAsync(await client.PostAsync(path, Body(body)));
            Assert.True(status == 200, json.ToString());
            charged[keyId] += json.GetProperty("usage").GetProperty("credits").GetInt64();
        }

        await CallAsync(a, firstId, "/v1/embeddings", Embedding("a cat"));
        await CallAsync(a, firstId, "/v1/embeddings", new { input = new[] { "one", "two", "three" } });
        await CallAsync(b, secondId, "/v1/classifications", new { input = new[] { DataUri(GoldenData.Image("horse.png")) }, labels = new[] { "horse", "cat" } });

        var (_, usage) = await ReadAsync(await a.GetAsync("/v1/usage"));
        var keys = usage.GetProperty("totals").GetProperty("keys").EnumerateArray()
            .ToDictionary(k => k.GetProperty("key_id").GetString()!, k => (k.GetProperty("requests").GetInt64(), k.GetProperty("credits").GetInt64()));
        Assert.Equal(new Dictionary<string, (long, long)> { [firstId] = (2, 4), [secondId] = (1, 12) }, keys);
        Assert.Equal([("clip-vit-base-patch32", 16L)], usage.GetProperty("totals").GetProperty("models").EnumerateArray()
            .Select(m => (m.GetProperty("model").GetString(), m.GetProperty("credits").GetInt64())));
        Assert.Equal(charged.Values.Sum(), usage.GetProperty("totals").GetProperty("credits").GetInt64());

        // A range without the calls has nothing; a malformed one is a 400 naming the parameter.
        var (_, past) = await ReadAsync(await a.GetAsync("/v1/usage?from=2001-01-01&to=2001-01-31"));
        Assert.Equal((0L, "2001-01-01T00:00:00.000Z", "2001-02-01T00:00:00.000Z"),
            (past.GetProperty("totals").GetProperty("credits").GetInt64(), past.GetProperty("from").GetString(), past.GetProperty("to").GetString()));
        AssertError(400, "invalid_request", await ReadAsync(await a.GetAsync("/v1/usage?from=2026-13-01")), "from");

        string[] admin = ["--url", Server.Http.BaseAddress!.ToString(), "--admin-key", RunningServer.AdminKey];
        var jsonl = await CliRun.InvokeAsync(["admin", "usage", "export", "--tenant", tenantId, .. admin]);
        Assert.Equal(0, jsonl.ExitCode);
        var records = jsonl.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, records.Count);
        Assert.Equal(charged, records.GroupBy(r => r.GetProperty("key_id").GetString()!).ToDictionary(g => g.Key, g => g.Sum(r => r.GetProperty("credits").GetInt64())));
        Assert.All(records, r => Assert.Equal(tenantId, r.GetProperty("tenant").GetString()));

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var shown = (await CliRun.InvokeAsync(["admin", "usage", "show", "--tenant", tenantId, "--from", today, .. admin])).Json();
        Assert.Equal((charged.Values.Sum(), today + "T00:00:00.000Z"), (shown.GetProperty("totals").GetProperty("credits").GetInt64(), shown.GetProperty("from").GetString()));

        var csv = await CliRun.InvokeAsync(["admin", "usage", "export", "--tenant", tenantId, "--format", "csv", .. admin]);
        var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,tenant,key_id,model,route,images,texts,credits,created,lease,refused,decode_ms,stored_bytes,collection", lines[0]);
        Assert.Equal(charged.Values.Sum(), lines.Skip(1).Sum(l => long.Parse(l.Split(',')[7], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["createClassification", "createEmbedding", "createEmbedding"], lines.Skip(1).Select(l => l.Split(',')[4]).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task A_top_up_past_the_largest_balance_is_a_400_that_names_the_amount()
    {
        var (tenantId, _) = await Server.CreateTenantAsync(credits: long.MaxValue);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/v1/tenants/{tenantId}/credits") { Content = Body(new { amount = 1, reason = "overflow" }) };
        request.Headers.Add("Idempotency-Key", "overflow-1");

        AssertError(400, "credits_overflow", await ReadAsync(await Server.Admin.SendAsync(request)), "amount");
        Assert.Equal(long.MaxValue, await BalanceAsync(tenantId));
    }

    [SkippableFact]
    public async Task A_tenant_cannot_see_or_use_another_tenants_label_sets()
    {
        var (_, keyA) = await Server.CreateTenantAsync(credits: 10_000);
        var (_, keyB) = await Server.CreateTenantAsync(credits: 10_000);
        using var a = As(keyA);
        using var b = As(keyB);
        Assert.Equal(201, (int)(await a.PostAsync("/v1/label-sets?wait=true", Body(new { name = "private", labels = new[] { "cat", "dog" } }))).StatusCode);

        AssertError(404, "label_set_not_found", await ReadAsync(await b.GetAsync("/v1/label-sets/private")));
        AssertError(404, "label_set_not_found", await ReadAsync(await b.PostAsync("/v1/classifications", Body(new
        {
            input = new[] { DataUri(GoldenData.Image("horse.png")) }, label_set = "private",
        }))));
        AssertError(404, "label_set_not_found", await ReadAsync(await b.DeleteAsync("/v1/label-sets/private")));
        Assert.Empty((await ReadAsync(await b.GetAsync("/v1/label-sets"))).Json.GetProperty("data").EnumerateArray());
        Assert.Equal(200, (int)(await a.GetAsync("/v1/label-sets/private")).StatusCode);
    }

    [SkippableFact]
    public async Task Building_a_label_set_is_charged_for_its_prompts_and_an_unchanged_replace_is_free()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 1000);
        using var client = As(key);

        var (_, created) = await ReadAsync(await client.PostAsync("/v1/label-sets?wait=true", Body(new { name = "pets", labels = new[] { "cat", "dog" }, template_preset = "openai-7" })));
        var (_, same) = await ReadAsync(await client.PutAsync("/v1/label-sets/pets", Body(new { labels = new[] { "cat", "dog" }, template_preset = "openai-7" })));

        Assert.Equal(14, created.GetProperty("usage").GetProperty("credits").GetInt64());
        Assert.Equal(0, same.GetProperty("usage").GetProperty("credits").GetInt64());
        Assert.Equal(986, await BalanceAsync(tenantId));
    }

    [SkippableFact]
    public async Task Idempotent_replays_count_against_the_request_limit()
    {
        var (_, key) = await Server.CreateTenantAsync(credits: 1000, requestsPerMinute: 2);
        using var client = As(key);
        async Task<HttpResponseMessage> Send()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = Body(Embedding("a cat")) };
            request.Headers.Add("Idempotency-Key", "replayed");
            return await client.SendAsync(request);
        }

        Assert.Equal(200, (int)(await Send()).StatusCode);
        var replay = await Send();
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());

        var refused = await Send();
        AssertError(429, "rate_limit_exceeded", await ReadAsync(refused));
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [SkippableFact]
    public async Task Reads_count_against_a_separate_larger_limit_and_deletes_against_the_request_limit()
    {
        var (_, key) = await Server.CreateTenantAsync(credits: 1000, requestsPerMinute: 1);
        using var client = As(key);

        // 600 reads a minute (the default read limit, refilling at 10 a second while the loop runs) although only 1
        // request a minute is allowed; the loop must meet the limit well before 1000.
        var reads = 0;
        (int Status, System.Text.Json.JsonElement Json) last = default;
        while (reads < 1000 && (last = await ReadAsync(await client.GetAsync(reads % 3 == 0 ? "/v1/usage" : reads % 3 == 1 ? "/v1/label-sets" : "/v1/models"))).Status == 200)
        {
            reads++;
        }

        Assert.InRange(reads, 600, 999);
        var (status, error) = last;
        AssertError(429, "rate_limit_exceeded", (status, error));
        Assert.Contains("reads (600 per minute)", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        AssertError(404, "label_set_not_found", await ReadAsync(await client.DeleteAsync("/v1/label-sets/none")));
        AssertError(429, "rate_limit_exceeded", await ReadAsync(await client.DeleteAsync("/v1/label-sets/none")));
    }
}
