namespace ClipGrains.Grains.Placement;

/// <summary>Places a grain on the silo whose address (<c>SiloAddress.ToParsableString()</c>) is its string key.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("clipgrains.silo-targeted-placement")]
public sealed class SiloTargetedPlacement : PlacementStrategy
{
    internal static SiloTargetedPlacement Instance { get; } = new();
}
