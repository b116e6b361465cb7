namespace ClipGrains.Client;

/// <summary>An error answered by the API, in OpenAI's shape, with the request id to quote when reporting it.</summary>
public sealed class ClipGrainsApiException : Exception
{
    /// <summary>Creates the exception from an error response.</summary>
    public ClipGrainsApiException(int status, string? type, string? code, string? param, string message, string? requestId)
        : base(message)
    {
        Status = status;
        Type = type;
        Code = code;
        Param = param;
        RequestId = requestId;
    }

    /// <summary>Creates an exception without a response (required by the analyzers; not used by the client).</summary>
    public ClipGrainsApiException()
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public ClipGrainsApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception wrapping another.</summary>
    public ClipGrainsApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>HTTP status code.</summary>
    public int Status { get; }

    /// <summary>OpenAI error type, e.g. <c>invalid_request_error</c> or <c>insufficient_quota</c>.</summary>
    public string? Type { get; }

    /// <summary>Machine-readable code, e.g. <c>invalid_image</c>.</summary>
    public string? Code { get; }

    /// <summary>The request field at fault, when one is.</summary>
    public string? Param { get; }

    /// <summary>The response's <c>x-request-id</c>.</summary>
    public string? RequestId { get; }
}
