using System.Text.Json;

namespace ClipGrains.Abstractions.Collections;

/// <summary>
/// Item and collection metadata as stored and returned: a flat JSON object, keys in ordinal order so equal metadata is
/// equal bytes (idempotent upserts, exact byte quotas).
/// </summary>
public static class MetadataJson
{
    private static readonly IReadOnlyDictionary<string, MetaValue> Empty = new Dictionary<string, MetaValue>();

    /// <summary>No metadata.</summary>
    public static IReadOnlyDictionary<string, MetaValue> None => Empty;

    /// <summary>UTF-8 JSON of <paramref name="metadata"/>.</summary>
    public static byte[] Write(IReadOnlyDictionary<string, MetaValue> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, metadata);
        }

        return buffer.ToArray();
    }

    /// <summary>Writes <paramref name="metadata"/> as a JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, MetaValue> metadata)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(metadata);
        writer.WriteStartObject();
        foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(key);
            switch (value.Kind)
            {
                case MetaKind.Text:
                    writer.WriteStringValue(value.Text);
                    break;
                case MetaKind.Number:
                    writer.WriteNumberValue(value.Number);
                    break;
                case MetaKind.Flag:
                    writer.WriteBooleanValue(value.Flag);
                    break;
                case MetaKind.TextArray:
                    writer.WriteStartArray();
                    foreach (var text in value.Texts!)
                    {
                        writer.WriteStringValue(text);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    throw new ArgumentException($"Metadata cannot hold a {value.Kind}.", nameof(metadata));
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads metadata written by <see cref="Write(IReadOnlyDictionary{string, MetaValue})"/>.</summary>
    public static IReadOnlyDictionary<string, MetaValue> Read(ReadOnlySpan<byte> json)
    {
        if (json.Length <= 2)
        {
            return Empty;
        }

        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var metadata = new Dictionary<string, MetaValue>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            metadata[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => MetaValue.Of(property.Value.GetString()!),
                JsonValueKind.Number => MetaValue.Of(property.Value.GetDouble()),
                JsonValueKind.True => MetaValue.Of(true),
                JsonValueKind.False => MetaValue.Of(false),
                _ => MetaValue.Of(property.Value.EnumerateArray().Select(e => e.GetString()!).ToArray()),
            };
        }

        return metadata;
    }
}
