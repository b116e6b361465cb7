namespace ClipGrains.Abstractions.Tenancy;

/// <summary>One model's share of a tenant's committed usage (of a day, or summed over days).</summary>
/// <param name="Model">The deployment id; <c>unknown</c> for charges recorded before usage named its model.</param>
/// <param name="Requests">Requests that committed a charge on this model.</param>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.model-usage")]
public sealed record ModelUsage(
    [property: Id(0)] string Model,
    [property: Id(1)] long Requests,
    [property: Id(2)] long Images,
    [property: Id(3)] long Texts,
    [property: Id(4)] long Credits)
{
    /// <summary>The name usage carries when the settlement named no model.</summary>
    public const string Unknown = "unknown";

    /// <summary>The sum of two shares of the same model.</summary>
    public ModelUsage Plus(long requests, long images, long texts, long credits) =>
        this with { Requests = Requests + requests, Images = Images + images, Texts = Texts + texts, Credits = Credits + credits };

    /// <summary>Per-model totals over <paramref name="shares"/>, ordered by model id.</summary>
    public static IReadOnlyList<ModelUsage> Sum(IEnumerable<ModelUsage> shares) =>
        [.. shares.GroupBy(s => s.Model, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ModelUsage(g.Key, g.Sum(s => s.Requests), g.Sum(s => s.Images), g.Sum(s => s.Texts), g.Sum(s => s.Credits)))];
}
