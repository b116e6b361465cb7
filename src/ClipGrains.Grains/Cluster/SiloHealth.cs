using ClipGrains.Abstractions.Cluster;
using ClipGrains.Grains.Serving;

namespace ClipGrains.Grains.Cluster;

/// <summary>This silo's membership status and the models it holds, read from the membership table and <see cref="SiloModels"/>.</summary>
public sealed class SiloHealth(ILocalSiloDetails local, IClusterMembershipService membership, SiloModels models) : ISiloHealth
{
    /// <inheritdoc />
    public bool IsActive => membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress) == SiloStatus.Active;

    /// <inheritdoc />
    public (int Loaded, int Loading) LocalModels()
    {
        var states = models.States();
        return (states.Count(s => s.Loaded), states.Count(s => s.Loading));
    }
}
