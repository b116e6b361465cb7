using System.Diagnostics;
using System.Net.Http.Headers;
using ClipGrains.Inference.Tests.Support;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>What unmodified OpenAI-style clients rely on: request ids, retry hints, URL-encoded model ids, harmless options.</summary>
[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class ClientConventionsApiTests(GoldenServerFixture fixture)
{
    private RunningServer Server => fixture.Server;

    private static object Embedding(string text) => new { model = "clip-vit-base-patch32", input = text };

    [SkippableFact]
    public async Task Every_response_has_a_request_id_the_clients_own_when_it_sent_one()
    {
        var generated = await Server.Http.PostAsync("/v1/embeddings", Body(Embedding("a cat")));
        using var own = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = Body(Embedding("a dog")) };
        own.Headers.Add("X-Client-Request-Id", "trace-42");
        var echoed = await Server.Http.SendAsync(own);
        using var anonymous = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        var refused = await anonymous.GetAsync("/v1/models");

        Assert.Matches("^req_[0-9a-f]{24}$", generated.Headers.GetValues("x-request-id").Single());
        Assert.Equal("trace-42", echoed.Headers.GetValues("x-request-id").Single());
        Assert.Matches("^req_[0-9a-f]{24}$", refused.Headers.GetValues("x-request-id").Single());
        Assert.False(generated.Headers.Contains("x-should-retry"));
    }

    [SkippableFact]
    public async Task The_request_id_is_a_tag_of_the_requests_span()
    {
        var id = "trace-span-" + Guid.NewGuid().ToString("N");
        var stopped = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("clipgrains.request_id") as string == id)
                {
                    stopped.TrySetResult(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Add("X-Client-Request-Id", id);

        await Server.Http.SendAsync(request);

        var span = await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("Microsoft.AspNetCore.Hosting.HttpRequestIn", span.OperationName);
    }

    [SkippableFact]
    public async Task Errors_say_whether_a_retry_can_help()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        var (_, poorKey) = await Server.CreateTenantAsync(credits: 0);
        using var poor = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        poor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", poorKey);
        var (_, slowKey) = await Server.CreateTenantAsync(credits: 1000, requestsPerMinute: 1);
        using var slow = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        slow.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", slowKey);
        await slow.PostAsync("/v1/embeddings", Body(Embedding("first")));

        var cases = new (HttpResponseMessage Response, int Status, string Retry)[]
        {
            (await anonymous.GetAsync("/v1/models"), 401, "false"),
            (await Server.Http.PostAsync("/v1/embeddings", Body(new { input = 42 })), 400, "false"),
            (await poor.PostAsync("/v1/embeddings", Body(Embedding("x"))), 429, "false"),
            (await slow.PostAsync("/v1/embeddings", Body(Embedding("second"))), 429, "true"),
            (await Server.Http.GetAsync("/v1/nothing-here"), 404, "false"),
        };

        foreach (var (response, status, retry) in cases)
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(retry, response.Headers.GetValues("x-should-retry").Single());
        }

        Assert.NotNull(cases[3].Response.Headers.RetryAfter);
    }

    [SkippableFact]
    public async Task A_url_encoded_model_id_is_found()
    {
        var (status, json) = await ReadAsync(await Server.Http.GetAsync("/v1/models/openai%2Fclip-vit-base-patch32"));

        Assert.Equal(200, status);
        Assert.Equal("clip-vit-base-patch32", json.GetProperty("id").GetString());
    }

    [SkippableFact]
    public async Task Dimensions_equal_to_the_models_size_are_a_no_op()
    {
        var (plain, a) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(Embedding("a cat"))));
        var size = a.GetProperty("data")[0].GetProperty("embedding").GetArrayLength();
        var (same, b) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { model = "clip-vit-base-patch32", input = "a cat", dimensions = size })));

        Assert.Equal((200, 200), (plain, same));
        Assert.Equal(Floats(a.GetProperty("data")[0].GetProperty("embedding")), Floats(b.GetProperty("data")[0].GetProperty("embedding")));
        AssertError(400, "unsupported_parameter", await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { input = "a cat", dimensions = size / 2 }))), "dimensions");
    }

    [SkippableTheory]
    [InlineData("labels[]", "coffee, hot|tea", new[] { "coffee, hot", "tea" })]
    [InlineData("labels", "[\"cat\",\"dog\"]", new[] { "cat", "dog" })]
    [InlineData("labels", "cat, dog", new[] { "cat", "dog" })]
    public async Task Multipart_labels_are_one_per_labels_array_field_or_a_json_array_or_comma_separated(string field, string values, string[] expected)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(GoldenData.Image("horse.png")));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", "horse.png");
        foreach (var value in values.Split('|'))
        {
            form.Add(new StringContent(value), field);
        }

        var (status, json) = await ReadAsync(await Server.Http.PostAsync("/v1/classifications", form));

        Assert.Equal(200, status);
        Assert.Equal(expected.Order(StringComparer.Ordinal), json.GetProperty("data")[0].GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("label").GetString()!).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task Jina_and_infinity_image_forms_embed_the_same_vectors_as_typed_parts()
    {
        var bytes = await File.ReadAllBytesAsync(GoldenData.Image("horse.png"));
        var base64 = Convert.ToBase64String(bytes);
        async Task<float[]> EmbedAsync(object body)
        {
            var (status, json) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(body)));
            Assert.Equal(200, status);
            return Floats(json.GetProperty("data")[0].GetProperty("embedding"));
        }

        var typed = await EmbedAsync(new { input = new object[] { new { type = "image_url", image_url = new { url = "data:image/png;base64," + base64 } } } });

        Assert.Equal(typed, await EmbedAsync(new { input = new object[] { new { image = base64 } } }));
        Assert.Equal(typed, await EmbedAsync(new { input = new object[] { new { image = "data:image/png;base64," + base64 } } }));
        Assert.Equal(typed, await EmbedAsync(new { input = new[] { "data:application/octet-stream;base64," + base64 }, modality = "image" }));
        Assert.Equal(typed, await EmbedAsync(new { input = new[] { "data:;base64," + base64 }, modality = "image" }));
        Assert.Equal(typed, await EmbedAsync(new { input = new[] { base64 }, modality = "image" }));
        var text = await EmbedAsync(new { input = new object[] { new { text = "a photo of a horse" } } });
        Assert.Equal(text, await EmbedAsync(new { input = "a photo of a horse" }));
    }

    [SkippableFact]
    public async Task Token_id_inputs_are_refused_with_the_setting_that_avoids_them()
    {
        var (status, json) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { input = new[] { new[] { 320, 1125 } } })));

        AssertError(400, "token_ids_not_supported", (status, json), "input[0]");
        Assert.Contains("check_embedding_ctx_length=False", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_query_value_that_is_not_a_number_is_an_openai_shaped_400()
    {
        var (status, json) = await ReadAsync(await Server.Http.GetAsync("/v1/label-sets?limit=abc"));

        AssertError(400, "invalid_request", (status, json));
        Assert.Contains("limit", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
