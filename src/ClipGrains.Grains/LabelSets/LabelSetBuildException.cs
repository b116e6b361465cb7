namespace ClipGrains.Grains.LabelSets;

/// <summary>A label-set build failed for a reason that is safe to show to the tenant.</summary>
internal sealed class LabelSetBuildException(string message) : Exception(message);
