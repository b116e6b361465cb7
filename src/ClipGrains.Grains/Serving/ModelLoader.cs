using ClipGrains.Abstractions.Configuration;
using ClipGrains.Inference;
using ClipGrains.Inference.Hub;
using ClipGrains.Inference.Model;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Serving;

/// <summary>Finds a deployment's files (downloading them from the hub when it names a source) and loads them.</summary>
public class ModelLoader(IOptions<ClipModelOptions> shared)
{
    /// <summary>The folder holding the deployment's files, downloaded first when needed.</summary>
    public virtual async Task<string> ResolveAsync(ModelDeploymentOptions deployment, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        using var http = new HttpClient();
        return await ModelLocator.ResolveAsync(Options(deployment), new HubDownloader(http, HubOptions.FromEnvironment()), null, cancellation);
    }

    /// <summary>Bytes of the deployment's two graphs in <paramref name="folder"/>: what holding it loaded costs, roughly.</summary>
    public virtual long SizeOf(ModelDeploymentOptions deployment, string folder)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return new[] { ModelBundle.TextModelFile(deployment.Variant), ModelBundle.VisionModelFile(deployment.Variant) }
            .Select(f => new FileInfo(Path.Combine(folder, f)))
            .Sum(f => f.Exists ? f.Length : 0);
    }

    /// <summary>Loads both sessions (on the calling thread: callers run it off the request path).</summary>
    public virtual ClipModel Load(ModelDeploymentOptions deployment, string folder)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var options = Options(deployment);
        return ClipModel.Load(ModelBundle.Open(folder, options.Variant), options);
    }

    /// <summary>
    /// Writes the optimised forms of the deployment's graphs where the cache lacks them (on the calling thread: seconds);
    /// what was written and how long each took.
    /// </summary>
    public virtual IReadOnlyList<(string Graph, TimeSpan Duration)> Prepare(ModelDeploymentOptions deployment, string folder)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var options = Options(deployment);
        return ClipModel.PrepareGraphs(ModelBundle.Open(folder, options.Variant), options);
    }

    private ClipModelOptions Options(ModelDeploymentOptions deployment) => new()
    {
        Path = deployment.Path,
        Id = deployment.Source ?? ClipModelOptions.DefaultModelId,
        Revision = deployment.Revision,
        Variant = deployment.Variant,
        CacheDirectory = shared.Value.CacheDirectory,
        LogitScale = deployment.LogitScale,
        IntraOpThreads = deployment.IntraOpThreads,
        InterOpThreads = deployment.InterOpThreads,
        AllowSpinning = shared.Value.AllowSpinning,
        OptimizedGraphCache = shared.Value.OptimizedGraphCache,
    };
}
