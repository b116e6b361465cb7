using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>The price list, in credits. Bound from <c>ClipGrains:Pricing</c>.</summary>
public sealed class PricingOptions
{
    /// <summary>Per image embedded or classified.</summary>
    public long CreditsPerImage { get; set; } = 10;

    /// <summary>Per text prompt encoded (embedding inputs, ad-hoc label prompts, label-set builds).</summary>
    public long CreditsPerPrompt { get; set; } = 1;

    /// <summary>Per item stored in a collection (on top of encoding it, when it came as an image or a text).</summary>
    public long CreditsPerStoredItem { get; set; } = 1;

    /// <summary>Per collection search (on top of encoding a text or image query).</summary>
    public long CreditsPerSearch { get; set; } = 1;

    /// <summary>Per stored item tagged with labels by <c>/classify</c>: a matrix product over its stored vector, no image encoded again.</summary>
    public long CreditsPerTaggedItem { get; set; } = 1;

    /// <summary>The price of a request on <paramref name="model"/>: its own prices where it sets them, these otherwise.</summary>
    public long Price(ModelDeploymentOptions model, int images, int prompts)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (images * (model.Pricing.CreditsPerImage ?? CreditsPerImage)) + (prompts * (model.Pricing.CreditsPerPrompt ?? CreditsPerPrompt));
    }

    /// <summary>What is wrong with these settings (<c>ClipGrains:Pricing</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks.NotNegative(nameof(CreditsPerImage), CreditsPerImage).NotNegative(nameof(CreditsPerPrompt), CreditsPerPrompt)
            .NotNegative(nameof(CreditsPerStoredItem), CreditsPerStoredItem).NotNegative(nameof(CreditsPerSearch), CreditsPerSearch)
            .NotNegative(nameof(CreditsPerTaggedItem), CreditsPerTaggedItem);
    }
}
