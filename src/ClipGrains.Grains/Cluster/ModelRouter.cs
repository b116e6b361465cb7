using ClipGrains.Abstractions.Configuration;
using ClipGrains.Abstractions.Encoding;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Cluster;

/// <summary>
/// Sends a model's work to the silo <see cref="ModelRouting"/> picks from the <see cref="ClusterView"/>: this silo's
/// stateless encoder when it is the one (no hop), another silo's silo-targeted encoder otherwise. A silo that fails the
/// call (it died, or is leaving) is forgotten and the work is done here, loading the model here if needed.
/// </summary>
public sealed class ModelRouter(ClusterView cluster, IGrainFactory grains, IOptions<ModelsOptions> models, IOptions<FanOutOptions> fanOut)
{
    /// <summary>This silo.</summary>
    public string LocalSilo => cluster.LocalSilo;

    /// <summary>The silo for <paramref name="model"/>'s next request (empty or an alias name the deployment).</summary>
    public async Task<string> PickAsync(string model)
    {
        var (id, maxCopies) = Resolve(model);

        // The common case decided from this silo alone: the others are asked only when it cannot serve without a hop,
        // so a slow or stale remote silo never delays a request this silo can serve.
        if (ModelRouting.ServesLocally(id, cluster.LocalSnapshot(), fanOut.Value.ScaleOutQueueDepth))
        {
            return cluster.LocalSilo;
        }

        return ModelRouting.Choose(id, await cluster.SnapshotsAsync(), cluster.LocalSilo, maxCopies, fanOut.Value.ScaleOutQueueDepth) ?? cluster.LocalSilo;
    }

    /// <summary>The silos to spread a large request of <paramref name="model"/> over.</summary>
    public async Task<IReadOnlyList<string>> SpreadAsync(string model)
    {
        var (id, maxCopies) = Resolve(model);
        var silos = ModelRouting.Spread(id, await cluster.SnapshotsAsync(), cluster.LocalSilo, maxCopies, fanOut.Value.ScaleOutQueueDepth);
        return silos.Count > 0 ? silos : [cluster.LocalSilo];
    }

    /// <summary>Embeds prompts on the silo picked for their model.</summary>
    public async Task<EncodeResult> EncodeTextsAsync(TextBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var silo = await PickAsync(batch.Model);
        return await OnAsync(silo, remote => remote.EncodeTexts(batch), local => local.EncodeTexts(batch));
    }

    /// <summary>Embeds images on <paramref name="silo"/> (from <see cref="PickAsync"/> or <see cref="SpreadAsync"/>).</summary>
    public Task<EncodeResult> EncodeImagesAsync(string silo, ImageBatch batch) =>
        OnAsync(silo, remote => remote.EncodeImages(batch), local => local.EncodeImages(batch));

    private async Task<EncodeResult> OnAsync(string silo, Func<ISiloEncoderGrain, Task<EncodeResult>> remote, Func<IEncoderGrain, Task<EncodeResult>> local)
    {
        if (silo == cluster.LocalSilo)
        {
            return await local(grains.GetGrain<IEncoderGrain>(0));
        }

        try
        {
            return await remote(grains.GetGrain<ISiloEncoderGrain>(silo));
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansException or TimeoutException)
        {
            cluster.Forget(silo);
            return await local(grains.GetGrain<IEncoderGrain>(0));
        }
    }

    private (string Id, int MaxCopies) Resolve(string model)
    {
        var deployment = models.Value.Find(model.Length == 0 ? models.Value.DefaultId : model);
        return deployment is null ? (model, 0) : (deployment.Id, deployment.MaxCopies);
    }
}
