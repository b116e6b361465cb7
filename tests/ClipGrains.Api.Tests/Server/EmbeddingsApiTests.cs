using System.ClientModel;
using ClipGrains.Scoring;
using ClipGrains.Inference.Tests.Support;
using OpenAI;
using OpenAI.Embeddings;
using SkiaSharp;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class EmbeddingsApiTests(GoldenServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;

    private static float[] ReferenceText(int index) =>
        VectorMath.Normalize(Floats(GoldenData.Json("model_outputs.json").GetProperty("text_embeds")[index]));

    private static float[] ReferenceImage(string image) =>
        Floats(GoldenData.Json("model_outputs.json").GetProperty("images").EnumerateArray().Single(i => i.GetProperty("image").GetString() == image).GetProperty("image_embeds"));

    [SkippableFact]
    public async Task Text_embeddings_match_the_reference_in_openai_shape()
    {
        var texts = GoldenData.Json("model_outputs.json").GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();

        var (status, json) = await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new { model = "clip-vit-base-patch32", input = texts })));

        Assert.Equal(200, status);
        Assert.Equal("list", json.GetProperty("object").GetString());
        Assert.Equal("clip-vit-base-patch32", json.GetProperty("model").GetString());
        var data = json.GetProperty("data");
        Assert.Equal(texts.Length, data.GetArrayLength());
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal("embedding", data[i].GetProperty("object").GetString());
            Assert.Equal(i, data[i].GetProperty("index").GetInt32());
            var (_, max) = Differences.MeanMax(ReferenceText(i), Floats(data[i].GetProperty("embedding")));
            Assert.True(max < 1e-4, $"text {i}: max |Δ| {max}");
        }

        var tokens = texts.Sum(t => fixture.Server.ModelHost.Model.Tokenizer.Encode(t).Length);
        Assert.Equal(tokens, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(tokens, json.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(0, json.GetProperty("usage").GetProperty("images").GetInt32());
    }

    [SkippableFact]
    public async Task Image_data_uris_with_modality_image_match_the_reference()
    {
        string[] images = ["astronaut.png", "rocket.jpg"];

        var (status, json) = await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new
        {
            model = "openai/clip-vit-base-patch32",
            modality = "image",
            input = new[] { DataUri(GoldenData.Image(images[0])), DataUri(GoldenData.Image(images[1]), "image/jpeg") },
        })));

        Assert.Equal(200, status);
        for (var i = 0; i < images.Length; i++)
        {
            var cosine = Differences.Cosine(ReferenceImage(images[i]), Floats(json.GetProperty("data")[i].GetProperty("embedding")));
            Assert.True(cosine >= 0.99999, $"{images[i]}: cosine {cosine}");
        }

        Assert.Equal(2, json.GetProperty("usage").GetProperty("images").GetInt32());
    }

    [SkippableFact]
    public async Task Typed_parts_mix_text_and_images_in_input_order()
    {
        var (status, json) = await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new
        {
            model = "clip-vit-base-patch32",
            input = new object[]
            {
                new { type = "image_url", image_url = new { url = DataUri(GoldenData.Image("chelsea.png")) } },
                new { type = "text", text = "a photo of a cat" },
            },
        })));

        Assert.Equal(200, status);
        var data = json.GetProperty("data");
        Assert.True(Differences.Cosine(ReferenceImage("chelsea.png"), Floats(data[0].GetProperty("embedding"))) >= 0.99999);
        var (_, max) = Differences.MeanMax(ReferenceText(0), Floats(data[1].GetProperty("embedding")));
        Assert.True(max < 1e-4);
    }

    [SkippableFact]
    public async Task Base64_encoding_carries_the_same_float32_values()
    {
        var floats = await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new { model = "clip-vit-base-patch32", input = "a photo of a dog" })));
        var base64 = await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new { model = "clip-vit-base-patch32", input = "a photo of a dog", encoding_format = "base64" })));

        var bytes = Convert.FromBase64String(base64.Json.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, decoded, 0, bytes.Length);
        Assert.Equal(Floats(floats.Json.GetProperty("data")[0].GetProperty("embedding")), decoded);
    }

    [SkippableFact]
    public async Task The_official_openai_dotnet_client_works_for_text()
    {
        var client = new EmbeddingClient("clip-vit-base-patch32", new ApiKeyCredential(fixture.Server.ApiKey),
            new OpenAIClientOptions { Endpoint = new Uri(Http.BaseAddress!, "/v1") });

        var result = await client.GenerateEmbeddingsAsync(["a photo of a cat", "a photo of a dog"]);

        Assert.Equal(2, result.Value.Count);
        var (_, max) = Differences.MeanMax(ReferenceText(1), result.Value[1].ToFloats().ToArray());
        Assert.True(max < 1e-4, $"max |Δ| {max}");
    }

    [SkippableFact]
    public async Task The_official_openai_dotnet_client_sends_2048_texts_at_once_and_one_more_is_refused_by_name()
    {
        var client = new EmbeddingClient("clip-vit-base-patch32", new ApiKeyCredential(fixture.Server.ApiKey),
            new OpenAIClientOptions { Endpoint = new Uri(Http.BaseAddress!, "/v1") });
        var texts = Enumerable.Range(0, 2048).Select(i => $"a photo of thing number {i}").ToList();

        var result = await client.GenerateEmbeddingsAsync(texts);

        Assert.Equal(2048, result.Value.Count);
        Assert.Equal(Enumerable.Range(0, 2048), result.Value.Select(e => e.Index));
        var (status, error) = await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new { input = texts.Append("one more") })));
        AssertError(400, "too_many_items", (status, error), "input");
        Assert.Contains("at most 2048", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Trait("Category", "slow")]
    [SkippableFact]
    public async Task Two_thousand_and_forty_eight_images_embed_in_one_request_and_one_more_is_refused_by_name()
    {
        var images = Enumerable.Range(0, 2048)
            .Select(i => "data:image/png;base64," + Convert.ToBase64String(TestImages.Encode(TestImages.Noise(8, 8, seed: i), SKEncodedImageFormat.Png)))
            .ToList();

        var (status, json) = await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new { input = images, modality = "image" })));

        Assert.Equal(200, status);
        var data = json.GetProperty("data");
        Assert.Equal(Enumerable.Range(0, 2048), data.EnumerateArray().Select(d => d.GetProperty("index").GetInt32()));
        Assert.Equal(2048, json.GetProperty("usage").GetProperty("images").GetInt32());

        // Each vector is its own image's (the one the cache now holds for those bytes), in input order.
        foreach (var i in new[] { 0, 31, 32, 1000, 2047 })
        {
            var (_, alone) = await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new { input = images[i], modality = "image" })));
            Assert.Equal(Floats(alone.GetProperty("data")[0].GetProperty("embedding")), Floats(data[i].GetProperty("embedding")));
        }

        var (refused, error) = await ReadAsync(await Http.PostAsync("/v1/embeddings", Body(new { input = images.Append(images[0]), modality = "image" })));
        AssertError(400, "too_many_items", (refused, error), "input");
        Assert.Contains("at most 2048", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Dimensions_other_than_the_models_are_refused_before_any_image_is_encoded_or_charged()
    {
        _ = GoldenData.Root;
        var (tenantId, key) = await fixture.Server.CreateTenantAsync(credits: 10_000);
        using var client = new HttpClient { BaseAddress = Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var size = (await ReadAsync(await client.PostAsync("/v1/embeddings", Body(new { input = "a photo of a cat" }))))
            .Json.GetProperty("data")[0].GetProperty("embedding").GetArrayLength();
        var images = fixture.Server.ModelHost.Statistics.Images;
        var balance = (await ReadAsync(await fixture.Server.Admin.GetAsync($"/admin/v1/tenants/{tenantId}"))).Json.GetProperty("tenant").GetProperty("balance").GetInt64();

        var response = await client.PostAsync("/v1/embeddings", Body(new
        {
            modality = "image", dimensions = size / 2, input = Enumerable.Repeat(DataUri(GoldenData.Image("horse.png")), 16).ToArray(),
        }));

        AssertError(400, "unsupported_parameter", await ReadAsync(response), "dimensions");
        Assert.Equal(images, fixture.Server.ModelHost.Statistics.Images);
        Assert.Equal(balance, (await ReadAsync(await fixture.Server.Admin.GetAsync($"/admin/v1/tenants/{tenantId}"))).Json.GetProperty("tenant").GetProperty("balance").GetInt64());
    }

    [SkippableTheory]
    [InlineData("""{"model":"clip-vit-base-patch32","input":"hi","dimensions":256}""", 400, "unsupported_parameter", "dimensions")]
    [InlineData("""{"model":"gpt-4o","input":"hi"}""", 404, "model_not_found", "model")]
    [InlineData("""{"model":"clip-vit-base-patch32","input":[]}""", 400, "invalid_request", "input")]
    [InlineData("""{"model":"clip-vit-base-patch32"}""", 400, "missing_required_parameter", "input")]
    [InlineData("""{"model":"clip-vit-base-patch32","input":[[1,2,3]]}""", 400, "token_ids_not_supported", "input[0]")]
    [InlineData("""{"model":"clip-vit-base-patch32","input":"hi","encoding_format":"int8"}""", 400, "invalid_request", "encoding_format")]
    [InlineData("""{"model":"clip-vit-base-patch32","input":"data:image/png;base64,iVBORw0KGgo="}""", 400, "ambiguous_input", "input")]
    [InlineData("""{"model":"clip-vit-base-patch32","modality":"image","input":["data:image/png;base64,@@@"]}""", 400, "invalid_base64", "input[0]")]
    [InlineData("""{"model":"clip-vit-base-patch32","modality":"image","input":["data:text/plain;base64,aGk="]}""", 415, "unsupported_image_format", "input[0]")]
    [InlineData("""{"model":"clip-vit-base-patch32","modality":"image","input":["https://example.com/cat.jpg"]}""", 400, "image_url_not_allowed", "input[0]")]
    [InlineData("""{"model":"clip-vit-base-patch32","modality":"image","input":["data:image/png;base64,aGVsbG8gd29ybGQ="]}""", 415, "unsupported_image_format", "input[0]")]
    [InlineData("""{"model":"clip-vit-base-patch32","input":[{"type":"video","url":"x"}]}""", 400, "invalid_request", "input[0].type")]
    [InlineData("""{"input": "x", """, 400, "invalid_json", null)]
    [InlineData("""[1,2]""", 400, "invalid_request", null)]
    public async Task Bad_requests_get_openai_errors(string body, int status, string code, string? param)
    {
        AssertError(status, code, await ReadAsync(await Http.PostAsync("/v1/embeddings", Raw(body))), param);
    }

    [SkippableFact]
    public async Task A_non_json_content_type_is_415()
    {
        AssertError(415, "unsupported_media_type", await ReadAsync(await Http.PostAsync("/v1/embeddings", Raw("input=hi", "application/x-www-form-urlencoded"))));
    }
}
