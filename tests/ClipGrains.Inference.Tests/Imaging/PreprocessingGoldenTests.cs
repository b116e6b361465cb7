using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;
using Xunit.Abstractions;

namespace ClipGrains.Inference.Tests.Imaging;

public sealed class PreprocessingGoldenTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [MemberData(nameof(GoldenImages.All), MemberType = typeof(GoldenImages))]
    public void Pixels_match_reference_within_one_8bit_level(string image)
    {
        var preprocessor = new ClipImagePreprocessor(ModelBundle.Open(GoldenData.TinyClip).Preprocessor);
        var expected = GoldenData.Pixels(image);
        var actual = new float[preprocessor.TensorLength];

        preprocessor.Process(ImageDecoder.Decode(File.ReadAllBytes(GoldenData.Image(image))), actual);

        var (mean, max) = Differences.MeanMax(expected, actual);
        output.WriteLine($"{image}: mean |Δ| = {mean:E3}, max |Δ| = {max:E3}");
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(mean < 1e-3, $"mean |Δ| {mean} ≥ 1e-3");
        Assert.True(max < 0.031, $"max |Δ| {max} ≥ 0.031");
    }

    [SkippableFact]
    public void Reference_image_list_is_the_one_these_tests_enumerate()
    {
        Assert.Equal(GoldenImages.Names, GoldenData.ImageNames());
    }
}
