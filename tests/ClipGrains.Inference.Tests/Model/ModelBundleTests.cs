using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Inference.Tests.Model;

public sealed class ModelBundleTests
{
    [Fact]
    public void Missing_folder_names_the_folder()
    {
        var error = Assert.Throws<ModelLoadException>(() => ModelBundle.Open("/nonexistent/clip"));
        Assert.Equal("/nonexistent/clip: model folder not found.", error.Message);
    }

    [Theory]
    [InlineData("config.json")]
    [InlineData("preprocessor_config.json")]
    [InlineData("onnx/vision_model.onnx")]
    [InlineData("onnx/text_model.onnx")]
    public void Missing_file_is_named(string file)
    {
        using var model = SyntheticClip.Create(customize: m => File.Delete(m.File(file)));

        var error = Assert.Throws<ModelLoadException>(() => ModelBundle.Open(model.Directory));

        Assert.Equal(model.File(file), error.File);
        Assert.EndsWith("file not found.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_tokenizer_mentions_both_layouts()
    {
        using var model = SyntheticClip.Create(customize: m => File.Delete(m.File("tokenizer.json")));

        var error = Assert.Throws<ModelLoadException>(() => ModelBundle.Open(model.Directory));

        Assert.Contains("vocab.json + merges.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_reported_with_its_file()
    {
        using var model = SyntheticClip.Create(customize: m => File.WriteAllText(m.File("config.json"), "{ not json"));

        var error = Assert.Throws<ModelLoadException>(() => ModelBundle.Open(model.Directory));

        Assert.StartsWith(model.File("config.json") + ": is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_bicubic_resample_is_refused()
    {
        using var model = SyntheticClip.Create(customize: m => m.WriteJson("preprocessor_config.json", new
        {
            size = new { shortest_edge = 64 }, crop_size = 64, resample = 2,
            image_mean = new[] { 0.5, 0.5, 0.5 }, image_std = new[] { 0.5, 0.5, 0.5 },
        }));

        var error = Assert.Throws<ModelLoadException>(() => ModelBundle.Open(model.Directory));

        Assert.Contains("\"resample\" is 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mean_with_wrong_length_is_refused()
    {
        using var model = SyntheticClip.Create(customize: m => m.WriteJson("preprocessor_config.json", new
        {
            size = new { shortest_edge = 64 }, crop_size = 64, image_mean = new[] { 0.5, 0.5 }, image_std = new[] { 0.5, 0.5, 0.5 },
        }));

        var error = Assert.Throws<ModelLoadException>(() => ModelBundle.Open(model.Directory));

        Assert.Contains("\"image_mean\" to be an array of 3 numbers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_are_read_from_the_file_not_assumed()
    {
        using var model = SyntheticClip.Create(customize: m => m.WriteJson("preprocessor_config.json", new
        {
            size = new { shortest_edge = 96 }, crop_size = new { width = 80, height = 72 },
            image_mean = new[] { 0.1, 0.2, 0.3 }, image_std = new[] { 0.4, 0.5, 0.6 }, rescale_factor = 0.5,
        }));

        var settings = ModelBundle.Open(model.Directory).Preprocessor;

        Assert.Equal((96, 80, 72), (settings.ShortestEdge, settings.CropWidth, settings.CropHeight));
        Assert.Equal([0.1f, 0.2f, 0.3f], settings.Mean);
        Assert.Equal([0.4f, 0.5f, 0.6f], settings.Std);
        Assert.Equal(0.5, settings.RescaleFactor);
    }

    [Fact]
    public void Variant_selects_suffixed_graphs_and_names_a_missing_one()
    {
        using var model = SyntheticClip.Create();
        File.Copy(model.File("onnx/vision_model.onnx"), model.File("onnx/vision_model_quantized.onnx"));

        var error = Assert.Throws<ModelLoadException>(() => ModelBundle.Open(model.Directory, "quantized"));
        Assert.Equal(model.File("onnx/text_model_quantized.onnx") + ": file not found: this folder has no \"quantized\" variant.", error.Message);

        File.Copy(model.File("onnx/text_model.onnx"), model.File("onnx/text_model_quantized.onnx"));
        var bundle = ModelBundle.Open(model.Directory, "quantized");
        Assert.Equal(model.File("onnx/vision_model_quantized.onnx"), bundle.VisionModelPath);
    }

    [Fact]
    public void Variant_with_path_characters_is_refused()
    {
        using var model = SyntheticClip.Create();

        var error = Assert.Throws<ModelLoadException>(() => ModelBundle.Open(model.Directory, "../x"));

        Assert.Contains("only letters, digits and '_'", error.Message, StringComparison.Ordinal);
    }
}
