using Orleans.Runtime.Placement;

namespace ClipGrains.Grains.Placement;

/// <summary>
/// Activates a <see cref="SiloTargetedPlacement"/> grain on the silo its key names. A key naming a silo
/// that is not (or no longer) active fails placement, and the caller falls back to its own silo.
/// </summary>
internal sealed class SiloTargetedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = target.GrainIdentity.Key.ToString();
        var silo = context.GetCompatibleSilos(target).FirstOrDefault(s => s.ToParsableString() == key);
        return silo is not null
            ? Task.FromResult(silo)
            : throw new SiloUnavailableException($"Silo {key} is not an active member of the cluster.");
    }
}
