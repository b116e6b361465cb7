using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.OpenApi;

namespace ClipGrains.Gateway.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>, mapped on the authenticated <c>/v1</c> group.</summary>
internal static class ModelsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/models", () => Results.Json(new ModelList([ModelCatalog.Describe()]), ApiJson.Options))
            .WithName("listModels").WithTags("Models").WithSummary("The models this server serves.").Answers<ModelList>();
        routes.MapGet("/models/{**id}", (string id) => ModelCatalog.Serves(id)
            ? Results.Json(ModelCatalog.Describe(), ApiJson.Options)
            : throw ApiException.NotFound($"The model '{id}' does not exist.", "model_not_found", "model"))
            .WithName("retrieveModel").WithTags("Models").WithSummary("One model, by id or alias (also URL-encoded).").Answers<ModelObject>().Fails(404);
    }
}
