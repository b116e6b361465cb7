using ClipGrains.Abstractions.Encoding;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Embedding;

/// <summary>Maps a model host's <see cref="EncodeFailure"/> to the API error the caller sees.</summary>
internal static class EncodeFailures
{
    public static ApiException ToApi(EncodeFailure failure, Func<int, string>? param = null)
    {
        var where = failure.Index is int i && param is not null ? param(i) : null;
        var error = failure.Code switch
        {
            EncodeFailure.InvalidImage => ApiException.BadRequest(failure.Message, where, "invalid_image"),
            EncodeFailure.ImageTooLarge => ApiException.BadRequest(failure.Message, where, "image_too_large"),
            EncodeFailure.UnsupportedImageFormat => new ApiException(415, "invalid_request_error", "unsupported_image_format", failure.Message, where),
            EncodeFailure.Timeout => new ApiException(503, "server_error", "timeout", "The server could not serve the request in time; retry.") { RetryAfter = TimeSpan.FromSeconds(1) },
            EncodeFailure.ModelLoading => new ApiException(503, "server_error", "model_loading", failure.Message) { RetryAfter = TimeSpan.FromSeconds(2) },
            EncodeFailure.ModelCapacity => new ApiException(503, "server_error", "model_capacity", failure.Message) { RetryAfter = TimeSpan.FromSeconds(5) },
            EncodeFailure.ModelUnavailable => new ApiException(503, "server_error", "model_unavailable", failure.Message) { RetryAfter = TimeSpan.FromSeconds(30) },

            // Only when silos disagree on the deployments (a rolling configuration change): another silo may serve it.
            EncodeFailure.ModelUnknown => new ApiException(503, "server_error", "model_unknown", failure.Message) { RetryAfter = TimeSpan.FromSeconds(5) },
            _ => new ApiException(503, "server_error", "server_overloaded", failure.Message) { RetryAfter = TimeSpan.FromSeconds(1) },
        };
        return failure.DecodeMilliseconds > 0 ? error.WithRefusedWork(failure.DecodeMilliseconds) : error;
    }
}
