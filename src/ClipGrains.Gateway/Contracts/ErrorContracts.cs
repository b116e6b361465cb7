namespace ClipGrains.Gateway.Contracts;

/// <summary>OpenAI's error shape: every 4xx and 5xx of the API (its schema in the OpenAPI document; the bytes are <see cref="Abstractions.Errors.ApiError"/>'s).</summary>
/// <param name="Error">What went wrong.</param>
internal sealed record ErrorEnvelope(ErrorDetail Error);

/// <summary>The error of an <see cref="ErrorEnvelope"/>.</summary>
/// <param name="Message">What to fix, for a person.</param>
/// <param name="Type">The class: <c>invalid_request_error</c>, <c>authentication_error</c>, <c>rate_limit_exceeded</c>, <c>insufficient_quota</c>, <c>server_error</c>.</param>
/// <param name="Param">The request field at fault, if one is.</param>
/// <param name="Code">A stable machine-readable code.</param>
internal sealed record ErrorDetail(string Message, string Type, string? Param, string? Code);
