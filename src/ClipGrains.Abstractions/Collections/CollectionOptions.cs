using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Abstractions.Collections;

/// <summary>Collections' limits, quotas and index defaults. Bound from <c>ClipGrains:Collections</c>.</summary>
public sealed class CollectionOptions
{
    /// <summary>Most collections one tenant may keep.</summary>
    public int MaxCollectionsPerTenant { get; set; } = 20;

    /// <summary>Most items one tenant may store across its collections.</summary>
    public long MaxItemsPerTenant { get; set; } = 1_000_000;

    /// <summary>Most bytes one tenant's items may take (see <see cref="CollectionItem.StoredBytes"/>): 4 GiB.</summary>
    public long MaxStoredBytesPerTenant { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Most items in one write or delete request.</summary>
    public int MaxItemsPerRequest { get; set; } = 100;

    /// <summary>Most items one delete-by-filter request deletes (the rest are left for the next, with <c>has_more</c>).</summary>
    public int MaxDeletesPerRequest { get; set; } = 10_000;

    /// <summary>Most stored rows one filtered listing or tagging page reads before it answers (with <c>has_more</c>).</summary>
    public int MaxScannedPerPage { get; set; } = 50_000;

    /// <summary>Most bytes of one item's metadata as JSON.</summary>
    public int MaxMetadataBytes { get; set; } = 4096;

    /// <summary>Shards of a collection created without <c>shards</c>.</summary>
    public int DefaultShards { get; set; } = 2;

    /// <summary>Most shards a collection may ask for.</summary>
    public int MaxShards { get; set; } = 16;

    /// <summary>Index kind of a collection created without one (<c>auto</c>, <c>flat</c>, <c>hnsw</c>).</summary>
    public string IndexKind { get; set; } = "auto";

    /// <summary>Items per shard up to which <c>auto</c> scans exactly (recall 1) rather than building a graph.</summary>
    public int FlatLimit { get; set; } = 20_000;

    /// <summary>Graph vector type of a collection created without one (<c>i8</c>, <c>f16</c>, <c>f32</c>).</summary>
    public string Quantization { get; set; } = "i8";

    /// <summary>HNSW links per node (M).</summary>
    public int Connectivity { get; set; } = 16;

    /// <summary>HNSW ef_construction.</summary>
    public int ExpansionAdd { get; set; } = 64;

    /// <summary>HNSW ef at search time.</summary>
    public int ExpansionSearch { get; set; } = 64;

    /// <summary>Most items one classify page may tag.</summary>
    public int MaxClassifyPage { get; set; } = 1000;

    /// <summary>Most bytes of the thumbnail a caller may store with an item (a small JPEG, PNG or WebP; counted in the byte quota).</summary>
    public int MaxThumbnailBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// Folder where shards keep snapshots of their graphs (the server sets <c>{DataDirectory}/collection-snapshots</c>);
    /// null or empty keeps none, and a shard rebuilds its graph from the store on every activation.
    /// </summary>
    public string? SnapshotDirectory { get; set; }

    /// <summary>Changes to a shard after which its graph snapshot is saved again (also saved when the shard deactivates).</summary>
    public int SnapshotEvery { get; set; } = 10_000;

    /// <summary>The defaults for a new collection's index.</summary>
    public IndexSettings DefaultIndex => new(IndexKind, Quantization, Connectivity, ExpansionAdd, ExpansionSearch, FlatLimit);

    /// <summary>What is wrong with these settings (<c>ClipGrains:Collections</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .Positive(nameof(MaxCollectionsPerTenant), MaxCollectionsPerTenant)
            .Positive(nameof(MaxItemsPerTenant), MaxItemsPerTenant)
            .Positive(nameof(MaxStoredBytesPerTenant), MaxStoredBytesPerTenant)
            .Between(nameof(MaxItemsPerRequest), MaxItemsPerRequest, 1, 10_000)
            .Between(nameof(MaxDeletesPerRequest), MaxDeletesPerRequest, 1, 1_000_000)
            .Positive(nameof(MaxScannedPerPage), MaxScannedPerPage)
            .Between(nameof(MaxMetadataBytes), MaxMetadataBytes, 2, 1 << 20)
            .Between(nameof(MaxShards), MaxShards, 1, 256)
            .Between(nameof(DefaultShards), DefaultShards, 1, MaxShards)
            .That(IndexSettings.Kinds.Contains(IndexKind), nameof(IndexKind), $"must be auto, flat or hnsw (got {IndexKind})")
            .That(IndexSettings.Quantizations.Contains(Quantization), nameof(Quantization), $"must be i8, f16 or f32 (got {Quantization})")
            .NotNegative(nameof(FlatLimit), FlatLimit)
            .Between(nameof(Connectivity), Connectivity, 2, 256)
            .Between(nameof(ExpansionAdd), ExpansionAdd, 1, 4096)
            .Between(nameof(ExpansionSearch), ExpansionSearch, 1, 4096)
            .Between(nameof(MaxClassifyPage), MaxClassifyPage, 1, 100_000)
            .Between(nameof(MaxThumbnailBytes), MaxThumbnailBytes, 0, 1 << 20)
            .Positive(nameof(SnapshotEvery), SnapshotEvery);
    }
}
