using System.Numerics.Tensors;

namespace ClipGrains.Grains.Tests.Collections;

/// <summary>A seeded Gaussian mixture of unit vectors (clustered like CLIP embeddings) and the exact answers to compare against.</summary>
internal static class SeededVectors
{
    public static float[][] Mixture(int count, int dimensions, int centres, int seed, float spread = 0.08f)
    {
        var random = new Random(seed);
        var middles = Enumerable.Range(0, centres).Select(_ => Unit(Enumerable.Range(0, dimensions).Select(_ => Gauss(random)).ToArray())).ToArray();
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var centre = middles[random.Next(centres)];
            return Unit(centre.Select(x => x + (spread * Gauss(random))).ToArray());
        })];
    }

    /// <summary>The ids (indexes) of the exact top <paramref name="k"/> by cosine among those <paramref name="keep"/> accepts.</summary>
    public static List<int> Exact(float[][] vectors, float[] query, int k, Func<int, bool>? keep = null) =>
        [.. Enumerable.Range(0, vectors.Length).Where(i => keep?.Invoke(i) ?? true)
            .Select(i => (Index: i, Score: TensorPrimitives.Dot(query, vectors[i])))
            .OrderByDescending(x => x.Score).ThenBy(x => Id(x.Index), StringComparer.Ordinal).Take(k).Select(x => x.Index)];

    public static string Id(int index) => $"v{index:D6}";

    public static float[] Unit(float[] vector)
    {
        var norm = MathF.Sqrt(TensorPrimitives.Dot(vector, vector));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] /= norm;
        }

        return vector;
    }

    private static float Gauss(Random random) => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
