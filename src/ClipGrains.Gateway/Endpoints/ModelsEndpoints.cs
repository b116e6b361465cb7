using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>, mapped on the authenticated <c>/v1</c> group.</summary>
internal static class ModelsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/models", () => Results.Json(new { @object = "list", data = new[] { ModelCatalog.Describe() } }, ApiJson.Options));
        routes.MapGet("/models/{**id}", (string id) => ModelCatalog.Serves(id)
            ? Results.Json(ModelCatalog.Describe(), ApiJson.Options)
            : throw ApiException.NotFound($"The model '{id}' does not exist.", "model_not_found", "model"));
    }
}
