using ClipGrains.Gateway.Tenancy;

namespace ClipGrains.Gateway.Tests.Tenancy;

public sealed class RateLimitHeadersTests
{
    [Theory]
    [InlineData(0, "0ms")]
    [InlineData(120, "120ms")]
    [InlineData(1200, "1.2s")]
    [InlineData(59_000, "59s")]
    [InlineData(360_000, "6m0s")]
    [InlineData(61_500, "1m1.5s")]
    public void Durations_use_openai_format(int milliseconds, string expected) =>
        Assert.Equal(expected, RateLimitHeaders.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Pricing_multiplies_images_and_prompts_at_the_models_own_prices_where_it_sets_them()
    {
        var plain = new Abstractions.Configuration.ModelDeploymentOptions { Id = "a" };
        var priced = new Abstractions.Configuration.ModelDeploymentOptions { Id = "b", Pricing = new() { CreditsPerImage = 4 } };

        Assert.Equal(10 * 3 + 7, new PricingOptions().Price(plain, images: 3, prompts: 7));
        Assert.Equal(4 * 3 + 7, new PricingOptions().Price(priced, images: 3, prompts: 7));
    }
}
