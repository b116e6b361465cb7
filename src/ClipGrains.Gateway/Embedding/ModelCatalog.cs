using ClipGrains.Abstractions.Configuration;
using ClipGrains.Gateway.Contracts;
using ClipGrains.Gateway.Errors;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Embedding;

/// <summary>The models the API serves: the configured deployments, found by id or alias (also URL-encoded).</summary>
internal sealed class ModelCatalog(IOptions<ModelsOptions> options)
{
    // Embedding sizes by deployment id, learned from answers: a deployment's model does not change while the process runs.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _dimensions = new(StringComparer.Ordinal);

    private ModelsOptions Models => options.Value;

    /// <summary>The embedding size of <paramref name="id"/>'s model once this process has seen one of its vectors.</summary>
    public int? KnownDimension(string id) => _dimensions.TryGetValue(id, out var size) ? size : null;

    /// <summary>Records the embedding size of <paramref name="id"/>'s model.</summary>
    public void LearnDimension(string id, int size) => _dimensions[id] = size;

    /// <summary>The default deployment.</summary>
    public ModelDeploymentOptions Default => Models.Find(Models.DefaultId)!;

    /// <summary>The deployment a request's <c>model</c> names; a missing one means the default; an unknown one is a 404 listing what exists.</summary>
    public ModelDeploymentOptions Resolve(string? requested) =>
        requested is null ? Default : Models.Find(requested) ?? throw NotFound(requested);

    /// <summary>Every deployment with <paramref name="copies"/> (by id: loaded and loading across the cluster).</summary>
    public ModelList List(IReadOnlyDictionary<string, (int Loaded, int Loading)> copies) =>
        new([.. Models.Deployments.Select(d => Describe(d, copies))]);

    /// <summary>One deployment, by id or alias, with its copies.</summary>
    public ModelObject Describe(string requested, IReadOnlyDictionary<string, (int Loaded, int Loading)> copies) =>
        Describe(Models.Find(requested) ?? throw NotFound(requested), copies);

    private static ModelObject Describe(ModelDeploymentOptions deployment, IReadOnlyDictionary<string, (int Loaded, int Loading)> copies)
    {
        var (loaded, loading) = copies.TryGetValue(deployment.Id, out var c) ? c : (0, 0);
        return new ModelObject(deployment.Id, deployment.Created, deployment.OwnedBy, loaded, loading);
    }

    private ApiException NotFound(string requested) => ApiException.NotFound(
        $"The model '{requested}' does not exist; this server serves {string.Join(", ", Models.Deployments.Select(d => d.Aliases.Length == 0 ? $"'{d.Id}'" : $"'{d.Id}' (alias {string.Join(", ", d.Aliases.Select(a => $"'{a}'"))})"))}.",
        "model_not_found",
        "model");
}
