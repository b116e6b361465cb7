namespace ClipGrains.Abstractions.Tenancy;

/// <summary>What a request uses: images and prompts, the credits they cost, and the deployment that runs them (usage per model).</summary>
/// <param name="Images">Images processed.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Their price, in credits.</param>
/// <param name="Model">The deployment that runs them.</param>
public sealed record Charge(int Images, int Texts, long Credits, string Model = "")
{
    /// <summary>Nothing used, nothing charged.</summary>
    public static Charge Free { get; } = new(0, 0, 0);
}
