using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Abstractions.LabelSets;

/// <summary>How label-set matrices are computed. Bound from <c>ClipGrains:LabelSets</c>.</summary>
public sealed class LabelSetBuildOptions
{
    /// <summary>
    /// Floats of label matrices each silo keeps for classifications (its own cache: nothing else shares it). The default,
    /// 64 M floats (256 MB), holds the 1000-label ImageNet matrix 125 times over.
    /// </summary>
    public long CacheFloats { get; set; } = 64L * 1024 * 1024;

    /// <summary>Prompts sent to the model host per call; the host batches them further.</summary>
    public int PromptsPerCall { get; set; } = 256;

    /// <summary>Attempts per call when the host times out; a full queue is waited out instead (up to <see cref="BuildTimeout"/>).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Longest a build may take, waits for room in the text queue included, before it fails.</summary>
    public TimeSpan BuildTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How long a build's credit reservation holds before the ledger refunds it: longer than any build, so the set that
    /// finishes the build (after a restart too) commits the charge.
    /// </summary>
    public TimeSpan ReservationHold { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most labels in one set.</summary>
    public int MaxLabels { get; set; } = 2000;

    /// <summary>Most templates in one set.</summary>
    public int MaxTemplates { get; set; } = 100;

    /// <summary>Most characters in one label or template.</summary>
    public int MaxTextLength { get; set; } = 300;

    /// <summary>Most prompts (labels × templates) in one set: ImageNet's 1000 classes × 80 templates fit.</summary>
    public int MaxPromptsPerSet { get; set; } = 100_000;

    /// <summary>Most label sets one tenant may keep.</summary>
    public int MaxSetsPerTenant { get; set; } = 100;

    /// <summary>Most bytes one tenant's label sets may store (matrices at 4 bytes a float, plus their labels and templates).</summary>
    public long MaxStoredBytesPerTenant { get; set; } = 64L * 1024 * 1024;

    /// <summary>What a set of <paramref name="definition"/> stores once built with <paramref name="dimension"/>-wide embeddings.</summary>
    public static long StoredBytes(Abstractions.LabelSets.LabelSetDefinition definition, int dimension)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var text = definition.Labels.Sum(l => (long)System.Text.Encoding.UTF8.GetByteCount(l)) + definition.Templates.Sum(t => (long)System.Text.Encoding.UTF8.GetByteCount(t));
        return text + ((long)definition.Labels.Count * dimension * sizeof(float));
    }

    /// <summary>What is wrong with these settings (<c>ClipGrains:LabelSets</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .Positive(nameof(CacheFloats), CacheFloats)
            .Positive(nameof(PromptsPerCall), PromptsPerCall)
            .Positive(nameof(MaxAttempts), MaxAttempts)
            .Positive(nameof(BuildTimeout), BuildTimeout)
            .Positive(nameof(ReservationHold), ReservationHold)
            .Positive(nameof(MaxLabels), MaxLabels)
            .Positive(nameof(MaxTemplates), MaxTemplates)
            .Positive(nameof(MaxTextLength), MaxTextLength)
            .Positive(nameof(MaxPromptsPerSet), MaxPromptsPerSet)
            .Positive(nameof(MaxSetsPerTenant), MaxSetsPerTenant)
            .Positive(nameof(MaxStoredBytesPerTenant), MaxStoredBytesPerTenant);
    }
}
