namespace ClipGrains.Grains.LabelSets;

/// <summary>How label-set matrices are computed. Bound from <c>ClipGrains:LabelSets</c>.</summary>
public sealed class LabelSetBuildOptions
{
    /// <summary>Prompts sent to the model host per call; the host batches them further.</summary>
    public int PromptsPerCall { get; set; } = 256;

    /// <summary>Attempts per call when the host is overloaded, with a growing pause between them.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Most labels in one set.</summary>
    public int MaxLabels { get; set; } = 2000;

    /// <summary>Most templates in one set.</summary>
    public int MaxTemplates { get; set; } = 100;

    /// <summary>Most characters in one label or template.</summary>
    public int MaxTextLength { get; set; } = 300;
}
