namespace ClipGrains.Abstractions.Cluster;

/// <summary>This silo's standing, for readiness: a member able to take work, and the models it holds.</summary>
public interface ISiloHealth
{
    /// <summary>True while this silo is an active member of the cluster.</summary>
    bool IsActive { get; }

    /// <summary>Models loaded on this silo, and models loading on it, now.</summary>
    (int Loaded, int Loading) LocalModels();
}
