using System.Net.Http.Headers;
using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class ClassificationsApiTests(GoldenServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;

    private static MultipartFormDataContent Form(string labels, params string[] images)
    {
        var form = new MultipartFormDataContent();
        foreach (var image in images)
        {
            var file = new ByteArrayContent(File.ReadAllBytes(GoldenData.Image(image)));
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "image", image);
        }

        form.Add(new StringContent(labels), "labels");
        return form;
    }

    [SkippableFact]
    public async Task Multipart_like_curl_matches_the_pipeline_reference()
    {
        foreach (var item in GoldenData.Json("pipeline_zero_shot.json").GetProperty("cases").EnumerateArray())
        {
            var labels = string.Join(',', item.GetProperty("candidate_labels").EnumerateArray().Select(l => l.GetString()));

            var (status, json) = await ReadAsync(await Http.PostAsync("/v1/classifications", Form(labels, item.GetProperty("image").GetString()!)));

            Assert.Equal(200, status);
            var actual = json.GetProperty("data")[0].GetProperty("labels").EnumerateArray().ToList();
            var expected = item.GetProperty("result").EnumerateArray().ToList();
            Assert.Equal(expected.Select(e => e.GetProperty("label").GetString()), actual.Select(a => a.GetProperty("label").GetString()));
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].GetProperty("score").GetDouble(), actual[i].GetProperty("score").GetDouble(), 0.001);
            }
        }
    }

    [SkippableFact]
    public async Task Json_with_several_images_returns_one_classification_each()
    {
        var (status, json) = await ReadAsync(await Http.PostAsync("/v1/classifications", Body(new
        {
            model = "clip-vit-base-patch32",
            input = new object[]
            {
                DataUri(GoldenData.Image("coffee.png")),
                new { type = "image_url", image_url = new { url = DataUri(GoldenData.Image("astronaut.png")) } },
            },
            labels = new[] { "cat", "dog", "astronaut", "rocket", "coffee" },
            top_k = 2,
        })));

        Assert.Equal(200, status);
        Assert.Equal("list", json.GetProperty("object").GetString());
        var data = json.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal("classification", data[1].GetProperty("object").GetString());
        Assert.Equal(1, data[1].GetProperty("index").GetInt32());
        Assert.Equal(2, data[0].GetProperty("labels").GetArrayLength());
        var reference = GoldenData.Json("pipeline_zero_shot.json").GetProperty("cases").EnumerateArray()
            .Single(c => c.GetProperty("image").GetString() == "astronaut.png").GetProperty("result");
        Assert.Equal(reference[0].GetProperty("label").GetString(), data[1].GetProperty("labels")[0].GetProperty("label").GetString());
        var usage = json.GetProperty("usage");
        Assert.Equal(2, usage.GetProperty("images").GetInt32());
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [SkippableTheory]
    [InlineData("""{"input":["data:image/png;base64,iVBORw0KGgo="]}""", 400, "missing_required_parameter", "labels")]
    [InlineData("""{"input":["data:image/png;base64,iVBORw0KGgo="],"labels":["a"],"label_set":"x"}""", 400, "invalid_request", "labels")]
    [InlineData("""{"input":["data:image/png;base64,iVBORw0KGgo="],"labels":["a","a"]}""", 400, "duplicate_label", "labels[1]")]
    [InlineData("""{"input":["data:image/png;base64,iVBORw0KGgo="],"labels":["a"],"hypothesis_template":"no placeholder"}""", 400, "invalid_template", "hypothesis_template")]
    [InlineData("""{"input":["data:image/png;base64,iVBORw0KGgo="],"labels":["a"],"top_k":0}""", 400, "invalid_request", "top_k")]
    [InlineData("""{"input":[{"type":"text","text":"hi"}],"labels":["a"]}""", 400, "invalid_request", "input[0]")]
    [InlineData("""{"input":["data:image/png;base64,iVBORw0KGgo="],"label_set":"missing"}""", 404, "label_set_not_found", "label_set")]
    [InlineData("""{"input":["data:image/png;base64,iVBORw0KGgo="],"labels":["a"]}""", 400, "invalid_image", "input[0]")]
    public async Task Bad_requests_get_openai_errors(string body, int status, string code, string param)
    {
        AssertError(status, code, await ReadAsync(await Http.PostAsync("/v1/classifications", Raw(body))), param);
    }

    [SkippableFact]
    public async Task Repeated_ad_hoc_labels_are_encoded_once_per_silo()
    {
        var body = Body(new { input = new[] { DataUri(GoldenData.Image("horse.png")) }, labels = new[] { "zebra", "okapi" }, templates = new[] { "a {}", "the {}" } });
        var texts = fixture.Server.ModelHost.Statistics.Texts;

        var first = await ReadAsync(await Http.PostAsync("/v1/classifications", body));
        var afterFirst = fixture.Server.ModelHost.Statistics.Texts;
        var second = await ReadAsync(await Http.PostAsync("/v1/classifications", Body(new
        {
            input = new[] { DataUri(GoldenData.Image("horse.png")) }, labels = new[] { "zebra", "okapi" }, templates = new[] { "a {}", "the {}" },
        })));

        Assert.Equal(4, afterFirst - texts);
        Assert.Equal(afterFirst, fixture.Server.ModelHost.Statistics.Texts);
        Assert.Equal(first.Json.GetProperty("data").GetRawText(), second.Json.GetProperty("data").GetRawText());
        Assert.Equal(second.Json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), first.Json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [SkippableFact]
    public async Task An_image_sent_again_by_the_same_tenant_is_not_encoded_again_but_another_tenants_is()
    {
        var image = File.ReadAllBytes(GoldenData.Image("camera.png"));
        object Request() => new { input = new[] { "data:image/png;base64," + Convert.ToBase64String(image) }, labels = new[] { "a", "b" } };
        var before = fixture.Server.ModelHost.Statistics.Images;

        var first = await ReadAsync(await Http.PostAsync("/v1/classifications", Body(Request())));
        var second = await ReadAsync(await Http.PostAsync("/v1/classifications", Body(Request())));
        Assert.Equal(before + 1, fixture.Server.ModelHost.Statistics.Images);
        Assert.Equal(first.Json.GetProperty("data").GetRawText(), second.Json.GetProperty("data").GetRawText());
        Assert.Equal(10, second.Json.GetProperty("usage").GetProperty("credits").GetInt64() - 2);

        var (_, otherKey) = await fixture.Server.CreateTenantAsync(credits: 1000);
        using var other = new HttpClient { BaseAddress = Http.BaseAddress };
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", otherKey);
        Assert.Equal(200, (await ReadAsync(await other.PostAsync("/v1/classifications", Body(Request())))).Status);
        Assert.Equal(before + 2, fixture.Server.ModelHost.Statistics.Images);
    }

    [SkippableFact]
    public async Task Multipart_takes_more_image_files_than_the_frameworks_default_form_entry_limit()
    {
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < 1100; i++)
        {
            var file = new ByteArrayContent(TestImages.Encode(TestImages.Noise(8, 8, seed: i), SkiaSharp.SKEncodedImageFormat.Png));
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "image[]", $"{i}.png");
        }

        form.Add(new StringContent("cat, dog"), "labels");

        var (status, json) = await ReadAsync(await Http.PostAsync("/v1/classifications", form));

        Assert.Equal(200, status);
        Assert.Equal(1100, json.GetProperty("data").GetArrayLength());
        Assert.Equal(1100, json.GetProperty("usage").GetProperty("images").GetInt32());
    }

    [SkippableFact]
    public async Task Multipart_without_an_image_is_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("cat,dog"), "labels" } };

        AssertError(400, "missing_required_parameter", await ReadAsync(await Http.PostAsync("/v1/classifications", form)), "image");
    }

    [SkippableFact]
    public async Task Malformed_multipart_is_400()
    {
        var content = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"labels\"\r\n\r\ncat");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        AssertError(400, "invalid_multipart", await ReadAsync(await Http.PostAsync("/v1/classifications", content)));
    }
}
