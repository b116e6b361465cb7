using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClipGrains.Abstractions.Errors;

/// <summary>
/// An error in OpenAI's shape, <c>{"error":{"message","type","param","code"}}</c>: the one home of its wire form, used for
/// errors written to a response and for those stored as a request's final answer (idempotent replays).
/// </summary>
/// <param name="Message">What happened and what to do about it.</param>
/// <param name="Type">OpenAI's error type, e.g. <c>invalid_request_error</c>.</param>
/// <param name="Code">A stable machine-readable code.</param>
/// <param name="Param">The request parameter at fault, if any.</param>
public sealed record ApiError(string Message, string Type, string Code, string? Param = null)
{
    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The error as UTF-8 JSON (nulls kept: OpenAI's error objects carry explicit nulls).</summary>
    public byte[] ToUtf8()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128 + (Message.Length * 2));
        using (var json = new Utf8JsonWriter(buffer, Writer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", Message);
            json.WriteString("type", Type);
            json.WriteString("param", Param);
            json.WriteString("code", Code);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
