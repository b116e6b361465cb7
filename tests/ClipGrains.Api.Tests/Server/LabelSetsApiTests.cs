using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class LabelSetsApiTests(GoldenServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;

    [SkippableFact]
    public async Task Create_get_replace_classify_and_delete()
    {
        var created = await Http.PostAsync("/v1/label-sets?wait=true", Body(new { name = "space", labels = new[] { "astronaut", "rocket", "cat" }, template_preset = "openai-7" }));
        var (status, json) = await ReadAsync(created);
        Assert.Equal(201, status);
        Assert.Equal("/v1/label-sets/space", created.Headers.Location?.ToString());
        Assert.Equal("\"v1\"", created.Headers.ETag?.ToString());
        Assert.Equal("ready", json.GetProperty("status").GetString());
        Assert.Equal(21, json.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.Equal(21, json.GetProperty("progress").GetProperty("completed").GetInt32());
        Assert.Equal(7, json.GetProperty("templates").GetArrayLength());

        var get = await Http.GetAsync("/v1/label-sets/space");
        Assert.Equal("\"v1\"", get.Headers.ETag?.ToString());

        using var stale = new HttpRequestMessage(HttpMethod.Put, "/v1/label-sets/space") { Content = Body(new { labels = new[] { "cat", "dog" } }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"v9\"");
        AssertError(412, "version_mismatch", await ReadAsync(await Http.SendAsync(stale)));

        using var replace = new HttpRequestMessage(HttpMethod.Put, "/v1/label-sets/space?wait=true") { Content = Body(new { labels = new[] { "cat", "dog", "coffee" } }) };
        replace.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        var (replaceStatus, replaced) = await ReadAsync(await Http.SendAsync(replace));
        Assert.Equal(200, replaceStatus);
        Assert.Equal(2, replaced.GetProperty("version").GetInt32());
        Assert.Equal("single", replaced.GetProperty("template_preset").GetString());

        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(File.ReadAllBytes(GoldenData.Image("coffee.png"))), "image", "coffee.png" },
            { new StringContent("space"), "label_set" },
        };
        var (classifyStatus, classified) = await ReadAsync(await Http.PostAsync("/v1/classifications", form));
        Assert.Equal(200, classifyStatus);
        Assert.Equal(
            new[] { "cat", "coffee", "dog" },
            classified.GetProperty("data")[0].GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("label").GetString()).Order());
        Assert.Equal(0, classified.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        var list = (await ReadAsync(await Http.GetAsync("/v1/label-sets"))).Json;
        Assert.Contains(list.GetProperty("data").EnumerateArray(), s => s.GetProperty("name").GetString() == "space");

        Assert.Equal(204, (int)(await Http.DeleteAsync("/v1/label-sets/space")).StatusCode);
        AssertError(404, "label_set_not_found", await ReadAsync(await Http.GetAsync("/v1/label-sets/space")));
    }

    [SkippableFact]
    public async Task Labels_with_the_default_pipeline_template_match_the_reference_scores()
    {
        var reference = GoldenData.Json("pipeline_zero_shot.json").GetProperty("cases")[1];
        var labels = reference.GetProperty("candidate_labels").EnumerateArray().Select(l => l.GetString()).ToArray();
        await Http.PostAsync("/v1/label-sets?wait=true", Body(new { name = "pipeline", labels, templates = new[] { "This is a photo of {}." } }));

        var (status, json) = await ReadAsync(await Http.PostAsync("/v1/classifications", Body(new
        {
            input = new[] { DataUri(GoldenData.Image(reference.GetProperty("image").GetString()!)) },
            label_set = "pipeline",
        })));

        Assert.Equal(200, status);
        var actual = json.GetProperty("data")[0].GetProperty("labels");
        var expected = reference.GetProperty("result");
        for (var i = 0; i < expected.GetArrayLength(); i++)
        {
            Assert.Equal(expected[i].GetProperty("label").GetString(), actual[i].GetProperty("label").GetString());
            Assert.Equal(expected[i].GetProperty("score").GetDouble(), actual[i].GetProperty("score").GetDouble(), 0.001);
        }
    }

    [SkippableTheory]
    [InlineData("""{"name":"has space","labels":["a"]}""", 400, "invalid_name", "name")]
    [InlineData("""{"labels":["a"]}""", 400, "missing_required_parameter", "name")]
    [InlineData("""{"name":"x","labels":[]}""", 400, "invalid_request", "labels")]
    [InlineData("""{"name":"x","labels":["a"],"template_preset":"openai-9000"}""", 400, "invalid_request", "template_preset")]
    [InlineData("""{"name":"x","labels":["a"],"templates":["{} and {}"]}""", 400, "invalid_template", "templates[0]")]
    [InlineData("""{"name":"x","labels":["a"],"templates":["{}"],"template_preset":"single"}""", 400, "invalid_request", "templates")]
    public async Task Invalid_label_sets_are_refused(string body, int status, string code, string param)
    {
        AssertError(status, code, await ReadAsync(await Http.PostAsync("/v1/label-sets", Raw(body))), param);
    }

    [SkippableFact]
    public async Task Creating_an_existing_name_is_409_and_replacing_a_missing_one_404()
    {
        await Http.PostAsync("/v1/label-sets?wait=true", Body(new { name = "dupe", labels = new[] { "a" } }));

        AssertError(409, "label_set_exists", await ReadAsync(await Http.PostAsync("/v1/label-sets", Body(new { name = "dupe", labels = new[] { "b" } }))), "name");
        AssertError(404, "label_set_not_found", await ReadAsync(await Http.PutAsync("/v1/label-sets/never", Body(new { labels = new[] { "b" } }))));
    }

    [SkippableFact]
    public async Task Lists_are_paged_in_name_order()
    {
        var (_, key) = await fixture.Server.CreateTenantAsync(credits: 10_000);
        using var own = new HttpClient { BaseAddress = Http.BaseAddress };
        own.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        foreach (var name in new[] { "c", "a", "b" })
        {
            Assert.Equal(201, (int)(await own.PostAsync("/v1/label-sets?wait=true", Body(new { name, labels = new[] { "cat" } }))).StatusCode);
        }

        var first = (await ReadAsync(await own.GetAsync("/v1/label-sets?limit=2"))).Json;
        var second = (await ReadAsync(await own.GetAsync("/v1/label-sets?limit=2&after=b"))).Json;

        Assert.Equal(["a", "b"], first.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(("b", true), (first.GetProperty("last_id").GetString(), first.GetProperty("has_more").GetBoolean()));
        Assert.Equal(["c"], second.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.False(second.GetProperty("has_more").GetBoolean());
        AssertError(400, "invalid_request", await ReadAsync(await own.GetAsync("/v1/label-sets?limit=0")), "limit");
    }

    [SkippableFact]
    public async Task A_set_of_more_prompts_than_allowed_is_refused_before_anything_is_reserved()
    {
        var labels = Enumerable.Range(0, 2000).Select(i => $"label {i}").ToArray();
        var templates = Enumerable.Range(0, 100).Select(i => $"photo {i} of {{}}").ToArray();

        var refused = await ReadAsync(await Http.PostAsync("/v1/label-sets", Body(new { name = "huge", labels, templates })));

        AssertError(400, "too_many_prompts", refused, "labels");
        Assert.StartsWith("2000 labels × 100 templates is 200000 prompts; a label set may have at most 100000.", refused.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
