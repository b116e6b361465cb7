using ClipGrains.Scoring;
using ClipGrains.Inference.Tests.Support;
using SkiaSharp;

namespace ClipGrains.Inference.Tests;

public sealed class ClipModelTests(SyntheticClipFixture fixture) : IClassFixture<SyntheticClipFixture>
{
    private ClipModel Model => fixture.Model;

    [Fact]
    public void Loads_dimensions_from_the_bundle()
    {
        Assert.Equal(SyntheticClip.Dimension, Model.Dimension);
        Assert.Equal(3 * SyntheticClip.ImageSize * SyntheticClip.ImageSize, Model.Preprocessor.TensorLength);
        Assert.True(Model.TrimsTextPadding);
    }

    [Fact]
    public void Image_batch_equals_images_encoded_one_by_one()
    {
        var images = Enumerable.Range(0, 5).Select(i => TestImages.Gradient(80 + (i * 13), 70 + (i * 7), seed: i)).ToList();

        var batched = Model.EncodeImages(images);

        Assert.Equal(5, batched.Length);
        for (var i = 0; i < images.Count; i++)
        {
            var single = Model.EncodeImages([images[i]])[0];
            Assert.Equal(single, batched[i], new ToleranceComparer(1e-6f));
        }
    }

    [Fact]
    public void Trimmed_text_batch_equals_77_token_padding()
    {
        string[] texts = ["a photo of a cat", "dog", "this is a photo of the bird", "a"];

        var trimmed = Model.EncodeTextsRaw(texts, trim: true);
        var padded = Model.EncodeTextsRaw(texts, trim: false);

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(padded[i], trimmed[i], new ToleranceComparer(1e-6f));
        }
    }

    [Fact]
    public void Text_embedding_does_not_depend_on_its_batch_neighbours()
    {
        var alone = Model.EncodeTexts(["a photo of a cat"])[0];
        var withLonger = Model.EncodeTexts(["a photo of a cat", "this is a photo of the bird and the dog and the cat"])[0];

        Assert.Equal(alone, withLonger, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void Embeddings_have_unit_length()
    {
        var image = Model.EncodeImages([TestImages.Gradient(100, 90)])[0];
        var text = Model.EncodeTexts(["a photo of a dog"])[0];

        Assert.Equal(1.0, Math.Sqrt(image.Sum(v => (double)v * v)), 6);
        Assert.Equal(1.0, Math.Sqrt(text.Sum(v => (double)v * v)), 6);
    }

    [Fact]
    public void Label_embedding_is_the_renormalised_mean_of_its_template_embeddings()
    {
        string[] templates = ["a photo of a {}", "this is the {}", "{}"];

        var labels = Model.EmbedLabels(["cat", "dog"], templates, batchSize: 2);

        for (var l = 0; l < 2; l++)
        {
            var label = labels.Labels[l];
            var perTemplate = Model.EncodeTexts(templates.Select(t => t.Replace("{}", label, StringComparison.Ordinal)).ToList());
            var sum = new double[SyntheticClip.Dimension];
            foreach (var e in perTemplate)
            {
                for (var i = 0; i < sum.Length; i++)
                {
                    sum[i] += e[i];
                }
            }

            var norm = Math.Sqrt(sum.Sum(v => v * v));
            var expected = sum.Select(v => (float)(v / norm)).ToArray();
            Assert.Equal(expected, labels.Row(l).ToArray(), new ToleranceComparer(1e-6f));
        }
    }

    [Fact]
    public void EmbedLabels_reports_progress_per_batch()
    {
        var reports = new List<int>();

        Model.EmbedLabels(["cat", "dog", "bird"], ["a photo of a {}", "{}"], batchSize: 4, progress: new SyncProgress(reports));

        Assert.Equal([4, 6], reports);
    }

    [Fact]
    public void EmbedLabels_rejects_a_template_without_placeholder()
    {
        var error = Assert.Throws<ArgumentException>(() => Model.EmbedLabels(["cat"], ["a photo"]));
        Assert.Contains("{}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_scores_sum_to_one_and_are_sorted_with_cosines()
    {
        var labels = Model.EmbedLabels(["cat", "dog", "bird"], [PromptTemplate.PipelineDefault]);
        var image = Model.EncodeImages([TestImages.Encode(TestImages.Gradient(120, 80), SKEncodedImageFormat.Png)])[0];

        var scores = Model.Classify(image, labels);

        Assert.Equal(1.0, scores.Sum(s => s.Score), 9);
        Assert.Equal(scores.OrderByDescending(s => s.Score).Select(s => s.Label), scores.Select(s => s.Label));
        foreach (var s in scores)
        {
            var row = labels.Labels.ToList().IndexOf(s.Label);
            Assert.Equal(VectorMath.Dot(image, labels.Row(row)), s.Cosine, 6);
        }
    }

    private sealed class SyncProgress(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }
}
