using System.ClientModel;
using System.ClientModel.Primitives;
using ClipGrains.Api.Tests.Server;
using OpenAI;
using OpenAI.Embeddings;
using OpenAI.Models;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Client;

/// <summary>The official OpenAI .NET package, unmodified, against the server: what its users see of ids, errors and models.</summary>
[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class OpenAiDotnetClientTests(GoldenServerFixture fixture)
{
    private RunningServer Server => fixture.Server;

    private OpenAIClientOptions Options(HeaderPolicy? policy = null)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(Server.Http.BaseAddress!, "/v1"), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) };
        if (policy is not null)
        {
            options.AddPolicy(policy, PipelinePosition.PerTry);
        }

        return options;
    }

    [SkippableFact]
    public async Task The_request_id_reaches_the_sdk_generated_or_the_clients_own()
    {
        var client = new EmbeddingClient("clip-vit-base-patch32", new ApiKeyCredential(Server.ApiKey), Options());
        var own = new EmbeddingClient("clip-vit-base-patch32", new ApiKeyCredential(Server.ApiKey), Options(new HeaderPolicy("X-Client-Request-Id", "dotnet-trace-7")));

        var generated = await client.GenerateEmbeddingAsync("a cat");
        var echoed = await own.GenerateEmbeddingAsync("a dog");

        Assert.True(generated.GetRawResponse().Headers.TryGetValue("x-request-id", out var id));
        Assert.Matches("^req_[0-9a-f]{24}$", id);
        Assert.True(echoed.GetRawResponse().Headers.TryGetValue("x-request-id", out var ownId));
        Assert.Equal("dotnet-trace-7", ownId);
    }

    [SkippableFact]
    public async Task The_sdks_base64_embeddings_equal_the_float_ones()
    {
        // The .NET package asks for base64 and decodes it; raw HTTP asks for floats.
        var client = new EmbeddingClient("clip-vit-base-patch32", new ApiKeyCredential(Server.ApiKey), Options());
        string[] texts = ["a photo of a horse", "a diagram"];

        var sdk = await client.GenerateEmbeddingsAsync(texts);
        var (_, floats) = await ReadAsync(await Server.Http.PostAsync("/v1/embeddings", Body(new { input = texts, encoding_format = "float" })));

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(Floats(floats.GetProperty("data")[i].GetProperty("embedding")), sdk.Value[i].ToFloats().ToArray());
        }
    }

    [SkippableFact]
    public async Task Models_are_retrieved_by_id_and_by_the_hub_alias_with_its_slash()
    {
        var models = new OpenAIModelClient(new ApiKeyCredential(Server.ApiKey), Options());

        var listed = await models.GetModelsAsync();
        var byAlias = await models.GetModelAsync("openai/clip-vit-base-patch32");
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => models.GetModelAsync("gpt-4o"));

        Assert.Equal(["clip-vit-base-patch32"], listed.Value.Select(m => m.Id));
        Assert.Equal("clip-vit-base-patch32", byAlias.Value.Id);
        Assert.Equal(404, missing.Status);
    }

    [SkippableFact]
    public async Task Every_error_class_tells_the_sdk_whether_a_retry_can_help()
    {
        var (_, poorKey) = await Server.CreateTenantAsync(credits: 0);
        var (_, slowKey) = await Server.CreateTenantAsync(credits: 1000, requestsPerMinute: 1);
        var slow = new EmbeddingClient("clip-vit-base-patch32", new ApiKeyCredential(slowKey), Options());
        await slow.GenerateEmbeddingAsync("first");

        var cases = new (string Name, Func<Task> Call, int Status, string Retry)[]
        {
            ("invalid key", () => new EmbeddingClient("clip-vit-base-patch32", new ApiKeyCredential("cg_not-a-key"), Options()).GenerateEmbeddingAsync("x"), 401, "false"),
            ("unknown model", () => new EmbeddingClient("gpt-4o", new ApiKeyCredential(Server.ApiKey), Options()).GenerateEmbeddingAsync("x"), 404, "false"),
            ("too many inputs", () => new EmbeddingClient("clip-vit-base-patch32", new ApiKeyCredential(Server.ApiKey), Options()).GenerateEmbeddingsAsync(Enumerable.Repeat("x", 2049).ToList()), 400, "false"),
            ("insufficient quota", () => new EmbeddingClient("clip-vit-base-patch32", new ApiKeyCredential(poorKey), Options()).GenerateEmbeddingAsync("x"), 429, "false"),
            ("rate limit", () => slow.GenerateEmbeddingAsync("second"), 429, "true"),
        };

        foreach (var (name, call, status, retry) in cases)
        {
            var error = await Assert.ThrowsAsync<ClientResultException>(call);
            var response = error.GetRawResponse()!;
            Assert.True(status == error.Status, $"{name}: {error.Status}");
            Assert.True(response.Headers.TryGetValue("x-should-retry", out var shouldRetry), $"{name}: no x-should-retry");
            Assert.True(retry == shouldRetry, $"{name}: x-should-retry {shouldRetry}");
            Assert.True(response.Headers.TryGetValue("x-request-id", out _), $"{name}: no x-request-id");
            Assert.Equal(retry == "true", response.Headers.TryGetValue("Retry-After", out _));
        }
    }

    /// <summary>Adds one header to every request the SDK sends.</summary>
    private sealed class HeaderPolicy(string name, string value) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set(name, value);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set(name, value);
            await ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
