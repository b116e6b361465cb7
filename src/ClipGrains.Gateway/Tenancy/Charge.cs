namespace ClipGrains.Gateway.Tenancy;

/// <summary>What a request uses: images and prompts, and the credits they cost.</summary>
internal sealed record Charge(int Images, int Texts, long Credits)
{
    public static Charge Free { get; } = new(0, 0, 0);
}
