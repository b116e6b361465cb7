using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClipGrains.Host.Cli;

/// <summary>Writes command results as one line of compact JSON with snake_case names.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteAsync<T>(TextWriter output, T value)
    {
        await output.WriteLineAsync(JsonSerializer.Serialize(value, Options));
        await output.FlushAsync();
    }
}
