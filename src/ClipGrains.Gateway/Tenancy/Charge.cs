namespace ClipGrains.Gateway.Tenancy;

/// <summary>What a request uses: images and prompts, the credits they cost, and the deployment that runs them (usage per model).</summary>
internal sealed record Charge(int Images, int Texts, long Credits, string Model = "")
{
    public static Charge Free { get; } = new(0, 0, 0);
}
