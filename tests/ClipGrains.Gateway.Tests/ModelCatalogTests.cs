using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Tests;

public sealed class ModelCatalogTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("clip-vit-base-patch32")]
    [InlineData("openai/clip-vit-base-patch32")]
    public void Served_ids_resolve_to_the_canonical_id(string? requested) => Assert.Equal("clip-vit-base-patch32", ModelCatalog.Resolve(requested));

    [Fact]
    public void Other_models_are_404_model_not_found()
    {
        var error = Assert.Throws<ApiException>(() => ModelCatalog.Resolve("text-embedding-3-small"));

        Assert.Equal((404, "model_not_found", "model"), (error.Status, error.Code, error.Param));
    }
}
