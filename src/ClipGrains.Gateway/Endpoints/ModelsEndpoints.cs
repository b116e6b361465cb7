using ClipGrains.Gateway.Embedding;
using ClipGrains.Abstractions.Cluster;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.OpenApi;

namespace ClipGrains.Gateway.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the deployments, with their copies loaded and loading across the cluster.</summary>
internal static class ModelsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/models", async (ModelCatalog models, IModelDirectory cluster) => Results.Json(models.List(await cluster.ModelCopiesAsync()), ApiJson.Options))
            .WithName("listModels").WithTags("Models").WithSummary("The models this server serves.").Answers<ModelList>();
        routes.MapGet("/models/{**id}", async (string id, ModelCatalog models, IModelDirectory cluster) =>
            Results.Json(models.Describe(id, await cluster.ModelCopiesAsync()), ApiJson.Options))
            .WithName("retrieveModel").WithTags("Models").WithSummary("One model, by id or alias (also URL-encoded).").Answers<ModelObject>().Fails(404);
    }
}
