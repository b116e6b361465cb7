using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Inference.Tests.Onnx;

public sealed class GraphValidationTests
{
    [Fact]
    public void Vision_graph_with_another_input_name_is_refused_with_the_names_it_has()
    {
        using var model = SyntheticClip.Create(customize: m =>
            SyntheticClip.VisionGraph(new Random(1), inputName: "pixels").Save(m.File("onnx/vision_model.onnx")));

        var error = Assert.Throws<ModelLoadException>(() => ClipModel.Load(ModelBundle.Open(model.Directory)));

        Assert.Equal(
            model.File("onnx/vision_model.onnx") + ": expected an input named \"pixel_values\"; the graph has \"pixels\" [-1,3,64,64].",
            error.Message);
    }

    [Fact]
    public void Projection_width_that_disagrees_with_config_is_refused()
    {
        using var model = SyntheticClip.Create(customize: m =>
            SyntheticClip.VisionGraph(new Random(1), projection: 5).Save(m.File("onnx/vision_model.onnx")));

        var error = Assert.Throws<ModelLoadException>(() => ClipModel.Load(ModelBundle.Open(model.Directory)));

        Assert.Equal(
            model.File("onnx/vision_model.onnx") + ": image_embeds dimension 1 (projection_dim from config.json) is 5; the model bundle says 8.",
            error.Message);
    }

    [Fact]
    public void Text_graph_with_fixed_77_sequence_loads_and_pads_fully()
    {
        using var files = SyntheticClip.Create();
        SyntheticClip.TextGraph(new Random(5), files.VocabularySize, sequence: 77).Save(files.File("onnx/text_model.onnx"));
        using var model = ClipModel.Load(ModelBundle.Open(files.Directory));

        Assert.False(model.TrimsTextPadding);
        Assert.Equal(SyntheticClip.Dimension, model.EncodeTexts(["a photo of a cat"])[0].Length);
    }

    [Fact]
    public void Text_graph_with_wrong_context_length_is_refused()
    {
        using var files = SyntheticClip.Create();
        SyntheticClip.TextGraph(new Random(5), files.VocabularySize, sequence: 64).Save(files.File("onnx/text_model.onnx"));

        var error = Assert.Throws<ModelLoadException>(() => ClipModel.Load(ModelBundle.Open(files.Directory)));

        Assert.Contains("input_ids dimension 1 (sequence, max_position_embeddings from config.json) is 64; the model bundle says 77.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_onnx_file_is_reported_with_its_path()
    {
        using var model = SyntheticClip.Create(customize: m => File.WriteAllText(m.File("onnx/text_model.onnx"), "not a model"));

        var error = Assert.Throws<ModelLoadException>(() => ClipModel.Load(ModelBundle.Open(model.Directory)));

        Assert.StartsWith(model.File("onnx/text_model.onnx") + ": ONNX Runtime cannot load this graph", error.Message, StringComparison.Ordinal);
    }
}
