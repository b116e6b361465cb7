using ClipGrains.Gateway.Embedding;
using ClipGrains.Abstractions.Encoding;

namespace ClipGrains.Gateway.Tests.Embedding;

/// <summary>What a silo's failure becomes for the caller: the model ones are 503s that say when to retry.</summary>
public sealed class EncodeFailuresTests
{
    [Theory]
    [InlineData(EncodeFailure.ModelLoading, 503, "model_loading", 2)]
    [InlineData(EncodeFailure.ModelCapacity, 503, "model_capacity", 5)]
    [InlineData(EncodeFailure.ModelUnavailable, 503, "model_unavailable", 30)]
    [InlineData(EncodeFailure.ModelUnknown, 503, "model_unknown", 5)]
    [InlineData(EncodeFailure.Overloaded, 503, "server_overloaded", 1)]
    [InlineData(EncodeFailure.InvalidImage, 400, "invalid_image", null)]
    public void Each_failure_maps_to_its_status_code_and_retry_delay(string failure, int status, string code, int? retryAfterSeconds)
    {
        var error = EncodeFailures.ToApi(new EncodeFailure(failure, "why"));

        Assert.Equal((status, code), (error.Status, error.Code));
        Assert.Equal(retryAfterSeconds is int s ? TimeSpan.FromSeconds(s) : null, error.RetryAfter);
        Assert.Equal("why", error.Message);
    }
}
