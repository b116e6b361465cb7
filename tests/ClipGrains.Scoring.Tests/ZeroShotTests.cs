
namespace ClipGrains.Scoring.Tests;

public sealed class ZeroShotTests
{
    private static readonly LabelEmbeddings Labels = new(["x", "y", "z"], [1, 0, 0, 1, 0, 0], 2);

    [Fact]
    public void Scores_are_softmax_of_scaled_cosines_sorted_with_ties_in_label_order()
    {
        var scores = ZeroShot.Classify([1f, 0f], Labels, logitScale: 100);

        var e = Math.Exp(-100);
        Assert.Equal(["x", "y", "z"], scores.Select(s => s.Label));
        Assert.Equal(1 / (1 + (2 * e)), scores[0].Score, 12);
        Assert.Equal(e / (1 + (2 * e)), scores[1].Score, 12);
        Assert.Equal([1.0, 0.0, 0.0], scores.Select(s => s.Cosine));
    }

    [Fact]
    public void Top_k_keeps_the_best()
    {
        var scores = ZeroShot.Classify([0f, 1f], Labels, logitScale: 10, topK: 1);

        Assert.Equal("y", Assert.Single(scores).Label);
    }

    [Fact]
    public void Softmax_is_stable_for_large_logits()
    {
        var probabilities = VectorMath.Softmax([1000, 999]);

        Assert.Equal(1 / (1 + Math.Exp(-1)), probabilities[0], 12);
    }

    [Fact]
    public void Dimension_mismatch_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ZeroShot.Classify([1f, 0f, 0f], Labels, 100));
    }

    [Fact]
    public void Prompt_template_substitutes_the_label()
    {
        Assert.Equal("a photo of a cat.", PromptTemplate.Apply("a photo of a {}.", "cat"));
        Assert.Throws<ArgumentException>(() => PromptTemplate.Apply("no placeholder", "cat"));
    }

    [Fact]
    public void Tagging_stored_vectors_ranks_as_classify_does_with_cosines_within_1e6()
    {
        var random = new Random(3);
        float[] Unit(int n)
        {
            var v = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            return VectorMath.Normalize(v);
        }

        var labels = new LabelEmbeddings([.. Enumerable.Range(0, 300).Select(i => $"l{i}")], [.. Enumerable.Range(0, 300).SelectMany(_ => Unit(512))], 512);
        var image = Unit(512);
        var precise = ZeroShot.Classify(image, labels, 100);
        var stored = ZeroShot.ClassifyStored(image, labels, 100);
        Assert.Equal(precise.Take(20).Select(s => s.Label), stored.Take(20).Select(s => s.Label));
        Assert.All(precise.Zip(stored.OrderBy(s => precise.Select(p => p.Label).ToList().IndexOf(s.Label))), p => Assert.Equal(p.First.Cosine, p.Second.Cosine, 1e-6));
        Assert.Equal(1.0, stored.Sum(s => s.Score), 9);
    }
}
