namespace ClipGrains.Scoring;

/// <summary>One label's zero-shot result.</summary>
/// <param name="Label">The label as given.</param>
/// <param name="Score">Softmax probability over all labels of the request (sums to 1).</param>
/// <param name="Cosine">Cosine similarity between the image and the label's (ensembled) text embedding.</param>
public sealed record LabelScore(string Label, double Score, double Cosine);
