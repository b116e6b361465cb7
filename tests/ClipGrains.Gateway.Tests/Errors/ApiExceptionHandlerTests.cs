using System.Text.Json;
using ClipGrains.Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClipGrains.Gateway.Tests.Errors;

public sealed class ApiExceptionHandlerTests
{
    [Fact]
    public async Task A_silo_lost_mid_call_is_a_503_with_retry_after_not_a_500()
    {
        var (status, retryAfter, error) = await HandleAsync(new SiloUnavailableException("The target silo became unavailable"));

        Assert.Equal(503, status);
        Assert.Equal("1", retryAfter);
        Assert.Equal("cluster_changing", error.GetProperty("code").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.DoesNotContain("silo became unavailable", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_is_a_503_storage_unavailable_with_retry_after_not_a_500()
    {
        var (status, retryAfter, error) = await HandleAsync(new InvalidOperationException("Writing state failed", new TransientDbException()));

        Assert.Equal((503, "2"), (status, retryAfter));
        Assert.Equal(("storage_unavailable", "server_error"), (error.GetProperty("code").GetString(), error.GetProperty("type").GetString()));
        Assert.DoesNotContain("refused", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_error_that_is_not_transient_is_still_a_bug()
    {
        var (status, _, error) = await HandleAsync(new PermanentDbException());

        Assert.Equal((500, "internal_error"), (status, error.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_bug_is_a_500_without_internal_detail()
    {
        var (status, _, error) = await HandleAsync(new InvalidOperationException("secret internals"));

        Assert.Equal(500, status);
        Assert.Equal("internal_error", error.GetProperty("code").GetString());
        Assert.DoesNotContain("secret", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<(int Status, string RetryAfter, JsonElement Error)> HandleAsync(Exception exception)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/embeddings";
        using var body = new MemoryStream();
        context.Response.Body = body;

        Assert.True(await new ApiExceptionHandler(NullLogger<ApiExceptionHandler>.Instance).TryHandleAsync(context, exception, CancellationToken.None));

        using var document = JsonDocument.Parse(body.ToArray());
        return (context.Response.StatusCode, context.Response.Headers.RetryAfter.ToString(), document.RootElement.GetProperty("error").Clone());
    }

    private sealed class TransientDbException() : System.Data.Common.DbException("connection refused")
    {
        public override bool IsTransient => true;
    }

    private sealed class PermanentDbException() : System.Data.Common.DbException("duplicate key value violates unique constraint");
}
