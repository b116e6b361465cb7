using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClipGrains.Inference.Tests.Support;
using Json.Schema;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> against the running server: every documented operation is called
/// for real, and each response's status and body must be what the document says (its schema, strict for responses).
/// </summary>
[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class OpenApiDocumentTests(GoldenServerFixture fixture)
{
    private RunningServer Server => fixture.Server;

    [SkippableFact]
    public async Task The_document_is_openapi_3_1_served_without_a_key_and_lists_every_api_route()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        var (status, document) = await ReadAsync(await anonymous.GetAsync("/openapi/v1.json"));

        Assert.Equal(200, status);
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            ["/admin/v1/models", "/admin/v1/tenants", "/admin/v1/tenants/{id}", "/admin/v1/tenants/{id}/credits", "/admin/v1/tenants/{id}/keys", "/admin/v1/tenants/{id}/keys/{keyId}",
             "/admin/v1/tenants/{id}/resume", "/admin/v1/tenants/{id}/suspend", "/admin/v1/tenants/{id}/usage", "/admin/v1/tenants/{id}/usage/records", "/health/live", "/health/ready",
             "/v1/classifications", "/v1/collections", "/v1/collections/{name}", "/v1/collections/{name}/classify", "/v1/collections/{name}/items",
             "/v1/collections/{name}/items/delete", "/v1/collections/{name}/items/{id}", "/v1/collections/{name}/search", "/v1/embeddings", "/v1/label-sets", "/v1/label-sets/{name}", "/v1/models", "/v1/models/{id}", "/v1/usage"],
            document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("http", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
    }

    [SkippableFact]
    public async Task The_document_passes_redoclys_recommended_rules_with_no_error_or_warning()
    {
        // A real OpenAPI linter from npm, not our reading of the rules: .ci/run installs it and requires this test.
        var redocly = Environment.GetEnvironmentVariable("CLIPGRAINS_REDOCLY");
        if (string.IsNullOrEmpty(redocly) || !File.Exists(redocly))
        {
            Assert.False(Environment.GetEnvironmentVariable("CLIPGRAINS_REQUIRE_REDOCLY") == "1", $"CLIPGRAINS_REDOCLY ({redocly}) names no Redocly CLI.");
            Skip.If(true, "Set CLIPGRAINS_REDOCLY to the Redocly CLI (npm install @redocly/cli) to lint the document.");
        }

        using var anonymous = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        var path = Path.Combine(Path.GetTempPath(), $"clipgrains-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, await anonymous.GetStringAsync("/openapi/v1.json"));
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(redocly!)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var argument in new[] { "lint", path, "--config", Path.Combine(RepositoryRoot.Find(), "infra", "openapi", "redocly.yaml"), "--format", "json" })
            {
                start.ArgumentList.Add(argument);
            }

            using var lint = System.Diagnostics.Process.Start(start)!;
            var output = lint.StandardOutput.ReadToEndAsync();
            var errors = lint.StandardError.ReadToEndAsync();
            await lint.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            using var report = JsonDocument.Parse(await output);
            var problems = report.RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}")
                .ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems) + await errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public async Task Every_operation_answers_what_the_document_says()
    {
        var (_, document) = await ReadAsync(await Server.Http.GetAsync("/openapi/v1.json"));
        var checker = new ResponseChecker(document);
        using var anonymous = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        var png = DataUri(GoldenData.Image("horse.png"));
        var name = "openapi-" + Guid.NewGuid().ToString("N")[..8];

        await checker.CheckAsync("get", "/health/live", 200, anonymous.GetAsync("/health/live"));
        await checker.CheckAsync("get", "/health/ready", 200, anonymous.GetAsync("/health/ready"));
        await checker.CheckAsync("get", "/v1/models", 200, Server.Http.GetAsync("/v1/models"));
        await checker.CheckAsync("get", "/v1/models", 401, anonymous.GetAsync("/v1/models"));
        await checker.CheckAsync("get", "/v1/models/{id}", 200, Server.Http.GetAsync("/v1/models/openai%2Fclip-vit-base-patch32"));
        await checker.CheckAsync("get", "/v1/models/{id}", 404, Server.Http.GetAsync("/v1/models/gpt-4o"));
        await checker.CheckAsync("post", "/v1/embeddings", 200, Server.Http.PostAsync("/v1/embeddings", Body(new { input = new[] { "a cat", "a dog" } })));
        await checker.CheckAsync("post", "/v1/embeddings", 200, Server.Http.PostAsync("/v1/embeddings", Body(new { input = png, modality = "image", encoding_format = "base64" })));
        await checker.CheckAsync("post", "/v1/embeddings", 400, Server.Http.PostAsync("/v1/embeddings", Body(new { input = Array.Empty<string>() })));
        await checker.CheckAsync("post", "/v1/classifications", 200, Server.Http.PostAsync("/v1/classifications", Body(new { input = new[] { png }, labels = new[] { "horse", "cat" } })));
        await checker.CheckAsync("post", "/v1/classifications", 200, Server.Http.PostAsync("/v1/classifications", Form(png)));
        await checker.CheckAsync("post", "/v1/label-sets", 201, Server.Http.PostAsync("/v1/label-sets?wait=true", Body(new { name, labels = new[] { "horse", "cat" } })));
        await checker.CheckAsync("post", "/v1/label-sets", 409, Server.Http.PostAsync("/v1/label-sets?wait=true", Body(new { name, labels = new[] { "horse" } })));
        await checker.CheckAsync("get", "/v1/label-sets", 200, Server.Http.GetAsync("/v1/label-sets?limit=2"));
        await checker.CheckAsync("get", "/v1/label-sets/{name}", 200, Server.Http.GetAsync($"/v1/label-sets/{name}"));
        await checker.CheckAsync("put", "/v1/label-sets/{name}", 200, Server.Http.PutAsync($"/v1/label-sets/{name}?wait=true", Body(new { labels = new[] { "horse", "dog" }, template_preset = "openai-7" })));
        await checker.CheckAsync("put", "/v1/label-sets/{name}", 412, Put($"/v1/label-sets/{name}", "\"v1\"", new { labels = new[] { "x" } }));
        await checker.CheckAsync("delete", "/v1/label-sets/{name}", 204, Server.Http.DeleteAsync($"/v1/label-sets/{name}"));
        await checker.CheckAsync("get", "/v1/label-sets/{name}", 404, Server.Http.GetAsync($"/v1/label-sets/{name}"));
        await checker.CheckAsync("get", "/v1/usage", 200, Server.Http.GetAsync("/v1/usage"));

        var collection = "openapi-" + Guid.NewGuid().ToString("N")[..8];
        var items = $"/v1/collections/{collection}/items";
        await checker.CheckAsync("post", "/v1/collections", 201, Server.Http.PostAsync("/v1/collections", Body(new { name = collection, metadata = new { team = "docs" }, index = new { type = "auto", ef_search = 32 } })));
        await checker.CheckAsync("post", "/v1/collections", 409, Server.Http.PostAsync("/v1/collections", Body(new { name = collection })));
        await checker.CheckAsync("get", "/v1/collections", 200, Server.Http.GetAsync("/v1/collections?limit=2"));
        await checker.CheckAsync("get", "/v1/collections/{name}", 200, Server.Http.GetAsync($"/v1/collections/{collection}"));
        await checker.CheckAsync("get", "/v1/collections/{name}", 404, Server.Http.GetAsync("/v1/collections/nothing-here"));
        await checker.CheckAsync("get", "/v1/collections/{name}", 400, Server.Http.GetAsync($"/v1/collections/{collection}?include=everything"));
        await checker.CheckAsync("post", "/v1/collections/{name}/items", 200, Server.Http.PostAsync(items, Body(new
        {
            items = new object[] { new { id = "horse", image = png, metadata = new { kind = "animal", tags = new[] { "farm" } } }, new { id = "words", text = "a horse", metadata = new { n = 2 } } },
        })));
        await checker.CheckAsync("post", "/v1/collections/{name}/items", 400, Server.Http.PostAsync(items, Body(new { items = new[] { new { id = "x" } } })));
        var (_, indexed) = await checker.CheckAsync("get", "/v1/collections/{name}", 200, Server.Http.GetAsync($"/v1/collections/{collection}?include=index"));
        Assert.Equal(2, indexed.GetProperty("shard_indexes").EnumerateArray().Sum(s => s.GetProperty("items").GetInt64()));
        await checker.CheckAsync("get", "/v1/collections/{name}/items", 200, Server.Http.GetAsync($"{items}?limit=1&include=embedding"));
        await checker.CheckAsync("get", "/v1/collections/{name}/items/{id}", 200, Server.Http.GetAsync($"{items}/horse"));
        await checker.CheckAsync("get", "/v1/collections/{name}/items/{id}", 404, Server.Http.GetAsync($"{items}/nobody"));
        await checker.CheckAsync("post", "/v1/collections/{name}/search", 200, Server.Http.PostAsync($"/v1/collections/{collection}/search", Body(new
        {
            query = new { text = "a horse" }, top_k = 2, filter = new { type = "or", filters = new object[] { new { type = "eq", key = "kind", value = "animal" }, new { type = "gte", key = "n", value = 1 } } },
            score_threshold = -1, exact = true,
        })));
        await checker.CheckAsync("post", "/v1/collections/{name}/search", 400, Server.Http.PostAsync($"/v1/collections/{collection}/search", Body(new { query = new { } })));
        await checker.CheckAsync("post", "/v1/collections/{name}/classify", 200, Server.Http.PostAsync($"/v1/collections/{collection}/classify", Body(new { labels = new[] { "horse", "cat" }, top_k = 1, limit = 10 })));
        await checker.CheckAsync("post", "/v1/collections/{name}/classify", 400, Server.Http.PostAsync($"/v1/collections/{collection}/classify", Body(new { top_k = 1 })));
        await checker.CheckAsync("post", "/v1/collections/{name}/items/delete", 200, Server.Http.PostAsync($"{items}/delete", Body(new { ids = new[] { "words", "nobody" } })));
        await checker.CheckAsync("post", "/v1/collections/{name}/items/delete", 400, Server.Http.PostAsync($"{items}/delete", Body(new { })));
        await checker.CheckAsync("delete", "/v1/collections/{name}/items/{id}", 200, Server.Http.DeleteAsync($"{items}/horse"));
        await checker.CheckAsync("delete", "/v1/collections/{name}/items/{id}", 404, Server.Http.DeleteAsync($"{items}/horse"));
        await checker.CheckAsync("delete", "/v1/collections/{name}", 200, Server.Http.DeleteAsync($"/v1/collections/{collection}"));
        await checker.CheckAsync("delete", "/v1/collections/{name}", 404, Server.Http.DeleteAsync($"/v1/collections/{collection}"));

        var (_, tenant) = await checker.CheckAsync("post", "/admin/v1/tenants", 201, Server.Admin.PostAsync("/admin/v1/tenants", Body(new { name = "openapi", credits = 5, limits = new { requests_per_minute = 10, images_per_minute = 10 } })));
        var id = tenant.GetProperty("id").GetString()!;
        await checker.CheckAsync("post", "/admin/v1/tenants", 401, anonymous.PostAsync("/admin/v1/tenants", Body(new { name = "x" })));
        await checker.CheckAsync("get", "/admin/v1/tenants", 200, Server.Admin.GetAsync("/admin/v1/tenants"));
        var (_, silos) = await checker.CheckAsync("get", "/admin/v1/models", 200, Server.Admin.GetAsync("/admin/v1/models"));
        Assert.Equal([("clip-vit-base-patch32", true)], silos.GetProperty("data")[0].GetProperty("models").EnumerateArray().Select(m => (m.GetProperty("model").GetString(), m.GetProperty("loaded").GetBoolean())));
        await checker.CheckAsync("get", "/admin/v1/tenants/{id}", 200, Server.Admin.GetAsync($"/admin/v1/tenants/{id}"));
        await checker.CheckAsync("get", "/admin/v1/tenants/{id}", 404, Server.Admin.GetAsync("/admin/v1/tenants/tn_nobody"));
        await checker.CheckAsync("get", "/admin/v1/tenants/{id}/usage", 200, Server.Admin.GetAsync($"/admin/v1/tenants/{id}/usage?days=3"));
        await checker.CheckAsync("get", "/admin/v1/tenants/{id}/usage", 400, Server.Admin.GetAsync($"/admin/v1/tenants/{id}/usage?from=yesterday"));
        Assert.Equal("", await checker.CheckTextAsync("get", "/admin/v1/tenants/{id}/usage/records", "application/x-ndjson", Server.Admin.GetAsync($"/admin/v1/tenants/{id}/usage/records")));
        Assert.StartsWith("id,tenant,key_id,", await checker.CheckTextAsync("get", "/admin/v1/tenants/{id}/usage/records", "text/csv", Server.Admin.GetAsync($"/admin/v1/tenants/{id}/usage/records?format=csv")), StringComparison.Ordinal);
        await checker.CheckAsync("get", "/admin/v1/tenants/{id}/usage/records", 400, Server.Admin.GetAsync($"/admin/v1/tenants/{id}/usage/records?format=xml"));
        await checker.CheckAsync("get", "/admin/v1/tenants/{id}/usage/records", 404, Server.Admin.GetAsync("/admin/v1/tenants/tn_nobody/usage/records"));
        await checker.CheckAsync("patch", "/admin/v1/tenants/{id}", 200, Server.Admin.PatchAsync($"/admin/v1/tenants/{id}", Body(new { limits = new { requests_per_minute = 20, images_per_minute = 20 } })));
        await checker.CheckAsync("post", "/admin/v1/tenants/{id}/suspend", 200, Server.Admin.PostAsync($"/admin/v1/tenants/{id}/suspend", null));
        await checker.CheckAsync("post", "/admin/v1/tenants/{id}/resume", 200, Server.Admin.PostAsync($"/admin/v1/tenants/{id}/resume", null));
        var (_, key) = await checker.CheckAsync("post", "/admin/v1/tenants/{id}/keys", 201, Server.Admin.PostAsync($"/admin/v1/tenants/{id}/keys", Body(new { name = "k" })));
        await checker.CheckAsync("get", "/admin/v1/tenants/{id}/keys", 200, Server.Admin.GetAsync($"/admin/v1/tenants/{id}/keys"));
        await checker.CheckAsync("delete", "/admin/v1/tenants/{id}/keys/{keyId}", 204, Server.Admin.DeleteAsync($"/admin/v1/tenants/{id}/keys/{key.GetProperty("id").GetString()}"));
        await checker.CheckAsync("post", "/admin/v1/tenants/{id}/credits", 200, TopUp(id));
        await checker.CheckAsync("post", "/admin/v1/tenants/{id}/credits", 400, Server.Admin.PostAsync($"/admin/v1/tenants/{id}/credits", Body(new { amount = 5 })));

        Assert.Equal(checker.Documented.Order(StringComparer.Ordinal), checker.Called.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task A_response_the_document_does_not_describe_fails_the_check()
    {
        // The checker itself: an extra property and a missing one are both refused (the response schemas are strict).
        var (_, document) = await ReadAsync(await Server.Http.GetAsync("/openapi/v1.json"));
        var checker = new ResponseChecker(document);

        const string Copies = ""","copies_loaded":1,"copies_loading":0""";
        Assert.False(checker.Valid("get", "/v1/models/{id}", 200, JsonNode.Parse("""{"object":"model","id":"x","created":1,"owned_by":"o","extra":1""" + Copies + "}")));
        Assert.False(checker.Valid("get", "/v1/models/{id}", 200, JsonNode.Parse("""{"object":"model","id":"x","created":1""" + Copies + "}")));
        Assert.False(checker.Valid("get", "/v1/models/{id}", 200, JsonNode.Parse("""{"object":"model","id":"x","created":"1","copies_loaded":1,"copies_loading":0,"owned_by":"o"}""")));
        Assert.True(checker.Valid("get", "/v1/models/{id}", 200, JsonNode.Parse("""{"object":"model","id":"x","created":1,"copies_loaded":1,"copies_loading":0,"owned_by":"o"}""")));
    }

    private static MultipartFormDataContent Form(string dataUri)
    {
        var file = new ByteArrayContent(Convert.FromBase64String(dataUri[(dataUri.IndexOf(',', StringComparison.Ordinal) + 1)..]));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { file, "image", "horse.png" }, { new StringContent("horse, cat"), "labels" } };
    }

    private Task<HttpResponseMessage> Put(string path, string ifMatch, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = Body(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return Server.Http.SendAsync(request);
    }

    private Task<HttpResponseMessage> TopUp(string tenant)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/v1/tenants/{tenant}/credits") { Content = Body(new { amount = 7, reason = "test" }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return Server.Admin.SendAsync(request);
    }

    /// <summary>Checks responses against the document's operations; remembers which were called.</summary>
    private sealed class ResponseChecker
    {
        private readonly JsonElement _document;
        private readonly JsonObject _definitions;

        public ResponseChecker(JsonElement document)
        {
            _document = document;

            // The document's component schemas as JSON Schema 2020-12 definitions: OpenAPI 3.1 schemas are JSON Schema.
            var components = document.GetProperty("components").GetProperty("schemas").GetRawText().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
            _definitions = JsonNode.Parse(components)!.AsObject();
            Documented = [.. document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name} {p.Name}"))];
        }

        public HashSet<string> Documented { get; }

        public HashSet<string> Called { get; } = [];

        public async Task<(int Status, JsonElement Json)> CheckAsync(string method, string path, int expected, Task<HttpResponseMessage> call)
        {
            using var response = await call;
            var (status, json) = await ReadAsync(response);
            Assert.True(expected == status, $"{method} {path}: {status}, expected {expected}: {json}");
            Assert.True(Documented.Contains($"{method} {path}"), $"{method} {path} is not in the document");
            var responses = _document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");
            Assert.True(responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var described), $"{method} {path} answered {status}, which the document does not list");
            if (status == 204)
            {
                Assert.Equal(JsonValueKind.Null, json.ValueKind);
            }
            else
            {
                Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
                var results = Schema(described).Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.List });
                Assert.True(results.IsValid, $"{method} {path} {status}: {Describe(results)}\n{json}");
            }

            Called.Add($"{method} {path}");
            return (status, json);
        }

        /// <summary>A 200 whose body is not JSON (a stream): its media type must be one the document lists for it.</summary>
        public async Task<string> CheckTextAsync(string method, string path, string mediaType, Task<HttpResponseMessage> call)
        {
            using var response = await call;
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode}: {text}");
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
            var content = _document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty("200").GetProperty("content");
            Assert.True(content.TryGetProperty(mediaType, out _), $"{method} {path} answered {mediaType}, which the document does not list");
            Called.Add($"{method} {path}");
            return text;
        }

        public bool Valid(string method, string path, int status, JsonNode? body)
        {
            var described = _document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var parsed = JsonDocument.Parse(body!.ToJsonString());
            return Schema(described).Evaluate(parsed.RootElement, new EvaluationOptions()).IsValid;
        }

        private JsonSchema Schema(JsonElement response)
        {
            var schema = JsonNode.Parse(response.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetRawText()
                .Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
            schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            schema["$defs"] = _definitions.DeepClone();
            return JsonSchema.FromText(schema.ToJsonString());
        }

        private static string Describe(EvaluationResults results) =>
            string.Join("; ", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
    }
}
