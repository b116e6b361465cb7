using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClipGrains.Gateway;

/// <summary>JSON settings of the public API: snake_case, nulls kept (OpenAI's error objects carry explicit nulls).</summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Gives <paramref name="options"/> the API's settings: for responses, and for the OpenAPI document's names.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;

        // Numbers are numbers (the web defaults also read them from strings, which the document would then allow).
        options.NumberHandling = JsonNumberHandling.Strict;

        // Responses are JSON for API clients, never embedded in HTML, so quotes and apostrophes stay readable.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
