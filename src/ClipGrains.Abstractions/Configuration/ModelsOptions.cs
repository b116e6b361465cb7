namespace ClipGrains.Abstractions.Configuration;

/// <summary>
/// The models the cluster serves and how a silo holds them (<c>ClipGrains:Models</c>). Without a
/// <see cref="Deployments"/> list, the single <c>ClipGrains:Model</c> section is one deployment named
/// <see cref="LegacyId"/> kept loaded, so existing command lines and clients run unchanged.
/// </summary>
public sealed class ModelsOptions
{
    /// <summary>The API name of the single-model configuration.</summary>
    public const string LegacyId = "clip-vit-base-patch32";

    /// <summary>The hub name clients also send for it.</summary>
    public const string LegacyAlias = "openai/clip-vit-base-patch32";

    /// <summary>The deployment used when a request names no model; the first listed when empty.</summary>
    public string Default { get; set; } = string.Empty;

    /// <summary>
    /// Bytes of model files a silo may hold loaded at once; 0 derives it: half the memory available to the process. A
    /// load that does not fit evicts the least recently used idle models, or is refused (503 <c>model_capacity</c>).
    /// </summary>
    public long MemoryBudget { get; set; }

    /// <summary>How long a loaded model stays before it may be evicted for another (no thrashing).</summary>
    public TimeSpan MinResidency { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Models a silo loads at once; more wait their turn (a load takes every core for a while).</summary>
    public int MaxParallelLoads { get; set; } = 1;

    /// <summary>How often a silo looks for models idle past their timeout.</summary>
    public TimeSpan IdleCheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The models, in the order <c>GET /v1/models</c> lists them.</summary>
    public List<ModelDeploymentOptions> Deployments { get; set; } = [];

    /// <summary>The default deployment's id.</summary>
    public string DefaultId => Default.Length > 0 ? Default : Deployments.Count > 0 ? Deployments[0].Id : LegacyId;

    /// <summary>The deployment named <paramref name="name"/> (id or alias, also URL-encoded), or null.</summary>
    public ModelDeploymentOptions? Find(string name) => Deployments.FirstOrDefault(d => d.IsNamed(name));

    /// <summary>What is wrong with these settings (<c>ClipGrains:Models</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        checks
            .NotNegative(nameof(MemoryBudget), MemoryBudget)
            .NotNegative(nameof(MinResidency), MinResidency)
            .Positive(nameof(MaxParallelLoads), MaxParallelLoads)
            .Positive(nameof(IdleCheckInterval), IdleCheckInterval)
            .That(Deployments.Count > 0, nameof(Deployments), "must list at least one model");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Deployments.Count; i++)
        {
            var d = Deployments[i];
            var key = $"{nameof(Deployments)}:{i}";
            checks.That(d.Id.Length > 0, $"{key}:{nameof(d.Id)}", "is required (the name clients send as model)");
            foreach (var name in d.Aliases.Prepend(d.Id).Where(n => n.Length > 0))
            {
                checks.That(names.Add(name), $"{key}:{nameof(d.Id)}", $"repeats the model name \"{name}\"; each id and alias must name one deployment");
            }

            checks
                .That(d.Path is not null || d.Source is not null, $"{key}:{nameof(d.Path)}", "or Source is required (a local model folder or a hub repository id)")
                .That(d.Path is null || Directory.Exists(d.Path), $"{key}:{nameof(d.Path)}", $"names a folder that does not exist ({d.Path})")
                .That(d.LogitScale > 0, $"{key}:{nameof(d.LogitScale)}", $"must be positive (got {d.LogitScale})")
                .NotNegative($"{key}:{nameof(d.IntraOpThreads)}", d.IntraOpThreads)
                .NotNegative($"{key}:{nameof(d.InterOpThreads)}", d.InterOpThreads)
                .NotNegative($"{key}:{nameof(d.MinCopies)}", d.MinCopies)
                .NotNegative($"{key}:{nameof(d.MaxCopies)}", d.MaxCopies)
                .Positive($"{key}:{nameof(d.IdleTimeout)}", d.IdleTimeout)
                .NotNegative($"{key}:Pricing:CreditsPerImage", d.Pricing.CreditsPerImage ?? 0)
                .NotNegative($"{key}:Pricing:CreditsPerPrompt", d.Pricing.CreditsPerPrompt ?? 0);
        }

        return checks.That(Default.Length == 0 || Find(Default) is not null, nameof(Default), $"names \"{Default}\", which is not a listed deployment ({string.Join(", ", Deployments.Select(d => d.Id))})");
    }
}
