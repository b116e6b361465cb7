using ClipGrains.Abstractions.Configuration;
using ClipGrains.Gateway.Embedding;
using ClipGrains.Gateway.Errors;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tests.Embedding;

public sealed class ModelCatalogTests
{
    private static ModelCatalog Catalog() => new(Options.Create(new ModelsOptions
    {
        Default = "b32",
        Deployments =
        [
            new ModelDeploymentOptions { Id = "b32", Aliases = ["openai/clip-vit-base-patch32"], Path = "." },
            new ModelDeploymentOptions { Id = "b32-int8", Path = ".", Variant = "quantized" },
        ],
    }));

    [Theory]
    [InlineData(null, "b32")]
    [InlineData("b32", "b32")]
    [InlineData("openai/clip-vit-base-patch32", "b32")]
    [InlineData("openai%2Fclip-vit-base-patch32", "b32")]
    [InlineData("b32-int8", "b32-int8")]
    public void Ids_and_aliases_resolve_to_their_deployment(string? requested, string expected) => Assert.Equal(expected, Catalog().Resolve(requested).Id);

    [Fact]
    public void Other_models_are_404_model_not_found_listing_what_exists()
    {
        var error = Assert.Throws<ApiException>(() => Catalog().Resolve("text-embedding-3-small"));

        Assert.Equal((404, "model_not_found", "model"), (error.Status, error.Code, error.Param));
        Assert.Equal("The model 'text-embedding-3-small' does not exist; this server serves 'b32' (alias 'openai/clip-vit-base-patch32'), 'b32-int8'.", error.Message);
    }
}
