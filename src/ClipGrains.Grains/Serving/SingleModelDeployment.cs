using ClipGrains.Abstractions.Configuration;
using ClipGrains.Inference.Model;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// Without a <c>ClipGrains:Models:Deployments</c> list, the single <c>ClipGrains:Model</c> section is one deployment named
/// <c>clip-vit-base-patch32</c> (alias <c>openai/clip-vit-base-patch32</c>), kept loaded as before, so existing
/// command lines and clients run unchanged.
/// </summary>
internal sealed class SingleModelDeployment(IOptions<ClipModelOptions> single) : IPostConfigureOptions<ModelsOptions>
{
    public void PostConfigure(string? name, ModelsOptions options)
    {
        if (options.Deployments.Count > 0)
        {
            return;
        }

        var model = single.Value;
        options.Deployments.Add(new ModelDeploymentOptions
        {
            Id = ModelsOptions.LegacyId,
            Aliases = [ModelsOptions.LegacyAlias],
            Path = model.Path,
            Source = model.Path is null ? model.Id : null,
            Revision = model.Revision,
            Variant = model.Variant,
            LogitScale = model.LogitScale,
            IntraOpThreads = model.IntraOpThreads,
            InterOpThreads = model.InterOpThreads,
            MinCopies = 1,
        });
    }
}
