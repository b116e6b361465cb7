using System.Text.Json;
using ClipGrains.Scoring;
using ClipGrains.Inference.Tests.Support;
using Xunit.Abstractions;

namespace ClipGrains.Inference.Tests;

public sealed class ClipModelGoldenTests(TinyClipFixture fixture, ITestOutputHelper output) : IClassFixture<TinyClipFixture>
{
    [SkippableTheory]
    [MemberData(nameof(GoldenImages.All), MemberType = typeof(GoldenImages))]
    public void Image_embeds_from_reference_pixels_match_within_1e4(string image)
    {
        var expected = ReferenceImageEmbeds(image);

        var actual = fixture.Model.EncodePixelsRaw(GoldenData.Pixels(image), 1)[0];

        var (_, max) = Differences.MeanMax(expected, actual);
        output.WriteLine($"{image}: max |Δ| = {max:E3}");
        Assert.True(max < 1e-4, $"max |Δ| {max} ≥ 1e-4");
    }

    [SkippableTheory]
    [MemberData(nameof(GoldenImages.All), MemberType = typeof(GoldenImages))]
    public void Image_bytes_to_embedding_has_cosine_at_least_0_99999(string image)
    {
        var expected = ReferenceImageEmbeds(image);

        var actual = fixture.Model.EncodeImages([File.ReadAllBytes(GoldenData.Image(image))])[0];

        var cosine = Differences.Cosine(expected, actual);
        output.WriteLine($"{image}: cosine = {cosine:F9}");
        Assert.True(cosine >= 0.99999, $"cosine {cosine} < 0.99999");
        Assert.Equal(1.0, Math.Sqrt(actual.Sum(v => (double)v * v)), 5);
    }

    [SkippableFact]
    public void All_reference_pixels_in_one_batch_equal_the_single_image_results()
    {
        var names = GoldenImages.Names;
        var batch = names.SelectMany(GoldenData.Pixels).ToArray();

        var batched = fixture.Model.EncodePixelsRaw(batch, names.Length);

        for (var i = 0; i < names.Length; i++)
        {
            var (_, max) = Differences.MeanMax(ReferenceImageEmbeds(names[i]), batched[i]);
            Assert.True(max < 1e-4, $"{names[i]} in a batch: max |Δ| {max}");
        }
    }

    [SkippableFact]
    public void Text_embeds_match_reference_within_1e4()
    {
        var outputs = GoldenData.Json("model_outputs.json");
        var texts = outputs.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToList();
        var expected = outputs.GetProperty("text_embeds").EnumerateArray().Select(Floats).ToList();

        var actual = fixture.Model.EncodeTextsRaw(texts, trim: true);

        Assert.Equal(5, texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var (_, max) = Differences.MeanMax(expected[i], actual[i]);
            output.WriteLine($"text {i}: max |Δ| = {max:E3}");
            Assert.True(max < 1e-4, $"text {i}: max |Δ| {max} ≥ 1e-4");
        }
    }

    [SkippableFact]
    public void Probabilities_from_reference_pixels_match_probs_per_image_within_1e4()
    {
        var outputs = GoldenData.Json("model_outputs.json");
        var texts = outputs.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToList();
        var labels = fixture.Model.EmbedLabels(texts, ["{}"]);
        var probs = outputs.GetProperty("probs_per_image");
        var images = outputs.GetProperty("images");

        Assert.Equal(images.GetArrayLength(), probs.GetArrayLength());
        var worst = 0.0;
        for (var row = 0; row < probs.GetArrayLength(); row++)
        {
            var image = images[row].GetProperty("image").GetString()!;
            var embedding = fixture.Model.EncodePixels(GoldenData.Pixels(image), 1)[0];
            var scores = fixture.Model.Classify(embedding, labels).ToDictionary(s => s.Label, s => s.Score);
            var expected = Floats(probs[row]);
            for (var t = 0; t < texts.Count; t++)
            {
                worst = Math.Max(worst, Math.Abs(expected[t] - scores[texts[t]]));
                Assert.True(Math.Abs(expected[t] - scores[texts[t]]) < 1e-4, $"{image} × \"{texts[t]}\": {scores[texts[t]]} vs {expected[t]}");
            }
        }

        output.WriteLine($"worst probability |Δ| = {worst:E3}");
    }

    [SkippableFact]
    public void Pipeline_results_from_image_files_match_within_1e3_in_the_same_order()
    {
        var reference = GoldenData.Json("pipeline_zero_shot.json");
        var template = reference.GetProperty("hypothesis_template").GetString()!;
        Assert.Equal(PromptTemplate.PipelineDefault, template);
        var worst = 0.0;

        foreach (var item in reference.GetProperty("cases").EnumerateArray())
        {
            var image = item.GetProperty("image").GetString()!;
            var candidates = item.GetProperty("candidate_labels").EnumerateArray().Select(l => l.GetString()!).ToList();
            var labels = fixture.Model.EmbedLabels(candidates, [template]);
            var embedding = fixture.Model.EncodeImages([File.ReadAllBytes(GoldenData.Image(image))])[0];

            var actual = fixture.Model.Classify(embedding, labels);

            var expected = item.GetProperty("result").EnumerateArray().ToList();
            Assert.Equal(expected.Select(e => e.GetProperty("label").GetString()), actual.Select(a => a.Label));
            for (var i = 0; i < expected.Count; i++)
            {
                var want = expected[i].GetProperty("score").GetDouble();
                worst = Math.Max(worst, Math.Abs(want - actual[i].Score));
                Assert.True(Math.Abs(want - actual[i].Score) < 1e-3, $"{image} {actual[i].Label}: {actual[i].Score} vs {want}");
            }
        }

        output.WriteLine($"worst pipeline score |Δ| = {worst:E3}");
    }

    private static float[] ReferenceImageEmbeds(string image) =>
        Floats(GoldenData.Json("model_outputs.json").GetProperty("images").EnumerateArray()
            .Single(i => i.GetProperty("image").GetString() == image).GetProperty("image_embeds"));

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();
}
