namespace ClipGrains.Abstractions.Configuration;

/// <summary>A deployment's prices in credits; null takes the server-wide <c>ClipGrains:Pricing</c> value.</summary>
public sealed class ModelPricingOptions
{
    /// <summary>Credits per image embedded or classified.</summary>
    public long? CreditsPerImage { get; set; }

    /// <summary>Credits per prompt encoded.</summary>
    public long? CreditsPerPrompt { get; set; }
}
