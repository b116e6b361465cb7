using Orleans.Placement;

namespace ClipGrains.Grains.Placement;

/// <summary>Marks a grain class for <see cref="SiloTargetedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloTargetedPlacementAttribute() : PlacementAttribute(SiloTargetedPlacement.Instance);
