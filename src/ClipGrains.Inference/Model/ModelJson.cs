using System.Text.Json;

namespace ClipGrains.Inference.Model;

/// <summary>Small JSON helpers that turn every parse problem into a <see cref="ModelLoadException"/> naming the file.</summary>
internal static class ModelJson
{
    public static JsonElement Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "file not found.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(path, "expected a JSON object at the top level.");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"is not valid JSON ({e.Message}).", e);
        }
    }

    public static int? OptionalInt(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt32()
            : null;

    public static bool? OptionalBool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;
}
