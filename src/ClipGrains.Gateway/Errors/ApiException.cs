namespace ClipGrains.Gateway.Errors;

/// <summary>
/// A failure the caller caused or must react to, carried to the error handler and written in OpenAI's shape
/// <c>{"error":{"message","type","param","code"}}</c>.
/// </summary>
internal sealed class ApiException(int status, string type, string code, string message, string? param = null) : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string Code { get; } = code;

    public string? Param { get; } = param;

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Headers the error response carries (the exception handler starts from a cleared response).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Milliseconds of decoding the request used before its input was found invalid (usage of refused work).</summary>
    public long RefusedWorkMilliseconds { get; private init; }

    /// <summary>The same error, recording the work it cost before it was found.</summary>
    public ApiException WithRefusedWork(long milliseconds) =>
        new(Status, Type, Code, Message, Param) { RetryAfter = RetryAfter, Headers = Headers, RefusedWorkMilliseconds = milliseconds };

    public static ApiException BadRequest(string message, string? param = null, string code = "invalid_request") =>
        new(StatusCodes.Status400BadRequest, "invalid_request_error", code, message, param);

    public static ApiException NotFound(string message, string code, string? param = null) =>
        new(StatusCodes.Status404NotFound, "invalid_request_error", code, message, param);

    public static ApiException UnsupportedMediaType(string message) =>
        new(StatusCodes.Status415UnsupportedMediaType, "invalid_request_error", "unsupported_media_type", message);
}
