using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClipGrains.Gateway;

/// <summary>JSON settings of the public API: snake_case, nulls kept (OpenAI's error objects carry explicit nulls).</summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // Responses are JSON for API clients, never embedded in HTML, so quotes and apostrophes stay readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
