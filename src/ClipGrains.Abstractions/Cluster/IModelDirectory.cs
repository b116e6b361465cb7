using ClipGrains.Abstractions.Encoding;

namespace ClipGrains.Abstractions.Cluster;

/// <summary>Which active silo holds or is loading which model, and how loaded each silo is.</summary>
public interface IModelDirectory
{
    /// <summary>Every active silo that answers, with its snapshot (remote ones cached briefly).</summary>
    Task<IReadOnlyList<(string Silo, SiloSnapshot Snapshot)>> SnapshotsAsync();

    /// <summary>Copies of each model (by deployment id) loaded and loading across the active silos now.</summary>
    Task<IReadOnlyDictionary<string, (int Loaded, int Loading)>> ModelCopiesAsync();
}
