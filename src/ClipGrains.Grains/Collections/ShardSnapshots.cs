using System.Text.Json;
using ClipGrains.Abstractions.Collections;
using ClipGrains.Abstractions.Storage;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Collections;

/// <summary>
/// Snapshots of shard graphs on this silo's disk: the USearch file and a sidecar naming it, the store sequence it covers,
/// the settings it was built with and the item id of every slot. Written to temporary names and renamed, sidecar last,
/// so a crash leaves the previous snapshot or the new one, never half of one. A shard that finds no usable snapshot
/// (another silo's disk, a different build) builds its graph from the store as before: the store stays the truth.
/// </summary>
internal sealed class ShardSnapshots(IOptions<CollectionOptions> options)
{
    private const int FormatVersion = 1;

    /// <summary>A snapshot as read back.</summary>
    public sealed record Snapshot(long Sequence, int Dimensions, IndexSettings Settings, string?[] SlotIds, string GraphPath);

    private sealed record Sidecar(int Version, long Sequence, int Dimensions, IndexSettings Settings, string Graph, string?[] Ids);

    private string? Folder => options.Value.SnapshotDirectory is { Length: > 0 } folder ? folder : null;

    public bool Enabled => Folder is not null;

    /// <summary>The shard's snapshot, or null when there is none (or it cannot be read: it is then removed).</summary>
    public Snapshot? TryRead(string uid, int shard)
    {
        if (Folder is not { } folder || !File.Exists(SidecarPath(folder, uid, shard)))
        {
            return null;
        }

        try
        {
            var sidecar = JsonSerializer.Deserialize<Sidecar>(File.ReadAllBytes(SidecarPath(folder, uid, shard)));
            var graph = sidecar is null ? null : Path.Combine(folder, sidecar.Graph);
            return sidecar is { Version: FormatVersion } && File.Exists(graph)
                ? new Snapshot(sidecar.Sequence, sidecar.Dimensions, sidecar.Settings, sidecar.Ids, graph)
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            Delete(uid, shard);
            return null;
        }
    }

    /// <summary>Writes a snapshot: <paramref name="saveGraph"/> writes the graph file to the path it is given.</summary>
    public void Write(string uid, int shard, long sequence, int dimensions, IndexSettings settings, string?[] slotIds, Action<string> saveGraph)
    {
        ArgumentNullException.ThrowIfNull(saveGraph);
        if (Folder is not { } folder)
        {
            return;
        }

        PrivateFiles.CreateDirectory(folder);
        var graphName = $"{Stem(uid, shard)}.{sequence}.usearch";
        var unique = Guid.NewGuid().ToString("N")[..8];
        var temporary = Path.Combine(folder, $"{graphName}.{unique}.tmp");
        saveGraph(temporary);
        File.Move(temporary, Path.Combine(folder, graphName), overwrite: true);

        var sidecar = SidecarPath(folder, uid, shard);
        File.WriteAllBytes($"{sidecar}.{unique}.tmp", JsonSerializer.SerializeToUtf8Bytes(new Sidecar(FormatVersion, sequence, dimensions, settings, graphName, slotIds)));
        File.Move($"{sidecar}.{unique}.tmp", sidecar, overwrite: true);
        foreach (var old in Directory.EnumerateFiles(folder, Stem(uid, shard) + ".*.usearch").Where(f => Path.GetFileName(f) != graphName))
        {
            File.Delete(old);
        }
    }

    /// <summary>Removes the shard's snapshot files (the collection was deleted, or the snapshot was unusable).</summary>
    public void Delete(string uid, int shard)
    {
        if (Folder is not { } folder || !Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, Stem(uid, shard) + ".*"))
        {
            File.Delete(file);
        }
    }

    private static string Stem(string uid, int shard) => $"{uid}.{shard}";

    private static string SidecarPath(string folder, string uid, int shard) => Path.Combine(folder, Stem(uid, shard) + ".json");
}
