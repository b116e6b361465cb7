using System.Text.Json;

namespace ClipGrains.Inference.Model;

/// <summary>
/// The image-processing settings of <c>preprocessor_config.json</c> (Hugging Face <c>CLIPImageProcessor</c>).
/// Values are read from the bundle, never assumed, so a model with another size or mean works unchanged.
/// </summary>
/// <param name="ShortestEdge">Target length of the shorter side after resizing, in pixels.</param>
/// <param name="CropWidth">Width of the center crop, in pixels.</param>
/// <param name="CropHeight">Height of the center crop, in pixels.</param>
/// <param name="DoResize">Whether to resize.</param>
/// <param name="DoCenterCrop">Whether to center-crop.</param>
/// <param name="DoRescale">Whether to multiply 8-bit values by <paramref name="RescaleFactor"/>.</param>
/// <param name="RescaleFactor">Usually 1/255.</param>
/// <param name="DoNormalize">Whether to subtract the mean and divide by the standard deviation.</param>
/// <param name="Mean">Per-channel mean, RGB order.</param>
/// <param name="Std">Per-channel standard deviation, RGB order.</param>
public sealed record PreprocessorSettings(
    int ShortestEdge,
    int CropWidth,
    int CropHeight,
    bool DoResize,
    bool DoCenterCrop,
    bool DoRescale,
    double RescaleFactor,
    bool DoNormalize,
    float[] Mean,
    float[] Std)
{
    /// <summary>Pillow's resampling filter number for bicubic; the only one CLIP uses.</summary>
    internal const int BicubicResample = 3;

    /// <summary>Width of the tensor the model receives.</summary>
    public int OutputWidth => DoCenterCrop ? CropWidth : ShortestEdge;

    /// <summary>Height of the tensor the model receives.</summary>
    public int OutputHeight => DoCenterCrop ? CropHeight : ShortestEdge;

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    public static PreprocessorSettings Load(string path)
    {
        var root = ModelJson.Read(path);
        var resample = ModelJson.OptionalInt(root, "resample") ?? BicubicResample;
        if (resample != BicubicResample)
        {
            throw new ModelLoadException(path, $"\"resample\" is {resample}; only 3 (bicubic, as CLIP was trained) is supported.");
        }

        var shortest = root.TryGetProperty("size", out var size)
            ? size.ValueKind == JsonValueKind.Number ? size.GetInt32() : ModelJson.OptionalInt(size, "shortest_edge")
            : null;
        if (shortest is not > 0)
        {
            throw new ModelLoadException(path, "expected \"size\": {\"shortest_edge\": N} with N > 0.");
        }

        int? cropW = null, cropH = null;
        if (root.TryGetProperty("crop_size", out var crop))
        {
            if (crop.ValueKind == JsonValueKind.Number)
            {
                cropW = cropH = crop.GetInt32();
            }
            else
            {
                cropW = ModelJson.OptionalInt(crop, "width");
                cropH = ModelJson.OptionalInt(crop, "height");
            }
        }

        var doCrop = ModelJson.OptionalBool(root, "do_center_crop") ?? true;
        if (doCrop && (cropW is not > 0 || cropH is not > 0))
        {
            throw new ModelLoadException(path, "\"do_center_crop\" is true but \"crop_size\" has no positive width and height.");
        }

        var mean = ReadTriple(path, root, "image_mean");
        var std = ReadTriple(path, root, "image_std");
        if (std.Any(s => s <= 0))
        {
            throw new ModelLoadException(path, "\"image_std\" values must be positive.");
        }

        return new PreprocessorSettings(
            shortest.Value,
            cropW ?? shortest.Value,
            cropH ?? shortest.Value,
            ModelJson.OptionalBool(root, "do_resize") ?? true,
            doCrop,
            ModelJson.OptionalBool(root, "do_rescale") ?? true,
            root.TryGetProperty("rescale_factor", out var factor) ? factor.GetDouble() : 1.0 / 255.0,
            ModelJson.OptionalBool(root, "do_normalize") ?? true,
            mean,
            std);
    }

    private static float[] ReadTriple(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Array
            || element.GetArrayLength() != 3 || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number))
        {
            throw new ModelLoadException(path, $"expected \"{name}\" to be an array of 3 numbers (R, G, B).");
        }

        return element.EnumerateArray().Select(e => e.GetSingle()).ToArray();
    }
}
