using System.Text.Json;

namespace ClipGrains.Inference.Model;

/// <summary>The parts of <c>config.json</c> (<c>CLIPConfig</c>) that serving needs.</summary>
/// <param name="ProjectionDim">Embedding width of both towers.</param>
/// <param name="ContextLength">Text positions (77 for CLIP): the tokenizer pads and truncates to this.</param>
/// <param name="ImageSize">Square input side of the vision tower, in pixels.</param>
public sealed record ClipModelConfig(int ProjectionDim, int ContextLength, int ImageSize)
{
    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    public static ClipModelConfig Load(string path)
    {
        var root = ModelJson.Read(path);
        var text = root.TryGetProperty("text_config", out var t) ? t : default;
        var vision = root.TryGetProperty("vision_config", out var v) ? v : default;
        var projection = ModelJson.OptionalInt(root, "projection_dim") ?? ModelJson.OptionalInt(text, "projection_dim");
        var context = ModelJson.OptionalInt(text, "max_position_embeddings") ?? 77;
        var image = ModelJson.OptionalInt(vision, "image_size") ?? 224;
        if (projection is not > 0)
        {
            throw new ModelLoadException(path, "expected a positive \"projection_dim\".");
        }

        if (context < 2 || image <= 0)
        {
            throw new ModelLoadException(path, "\"text_config.max_position_embeddings\" and \"vision_config.image_size\" must be positive.");
        }

        if (root.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "clip")
        {
            throw new ModelLoadException(path, $"\"model_type\" is \"{type.GetString()}\"; only \"clip\" is supported.");
        }

        return new ClipModelConfig(projection.Value, context, image);
    }
}
