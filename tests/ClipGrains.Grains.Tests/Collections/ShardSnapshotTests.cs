using ClipGrains.Abstractions.Collections;
using ClipGrains.Grains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace ClipGrains.Grains.Tests.Collections;

/// <summary>
/// Destructive: a silo of its own with graph snapshots on. A shard that deactivates comes back with its saved graph
/// (not rebuilt), brought up to the store: items written and deleted after the snapshot are found and never returned.
/// </summary>
public sealed class ShardSnapshotTests : IAsyncLifetime
{
    private const int Dimensions = 32;
    private readonly string _snapshots = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "snapshots-" + Guid.NewGuid().ToString("N"));
    private OwnCluster? _own;

    private InProcessTestCluster Cluster => _own!.Cluster;

    public async Task InitializeAsync() => _own = await OwnCluster.StartAsync(1, (silo, database) =>
    {
        silo.AddClipGrainsSqliteStorage(database);
        silo.Services.Configure<CollectionOptions>(o => o.SnapshotDirectory = _snapshots);
    });

    public async Task DisposeAsync()
    {
        if (_own is not null)
        {
            await _own.DisposeAsync();
        }

        if (Directory.Exists(_snapshots))
        {
            Directory.Delete(_snapshots, recursive: true);
        }
    }

    [Fact]
    public async Task A_reactivated_shard_loads_its_graph_and_replays_what_was_written_after_it()
    {
        var vectors = SeededVectors.Mixture(2000, Dimensions, 30, seed: 21);
        var grain = Cluster.Client.GetGrain<ICollectionGrain>(CollectionKey.Of("tn_s", "snap"));
        var settings = new IndexSettings("hnsw", "i8", 16, 64, 64, 0);
        var info = new CollectionInfo("snap", "col_" + Guid.NewGuid().ToString("N")[..24], "m", Dimensions, 1, settings, MetadataJson.None, DateTimeOffset.UnixEpoch, 0, 0);
        await grain.Create(info);
        CollectionItem Item(int i) => new(SeededVectors.Id(i), vectors[i], MetadataJson.None);
        for (var start = 0; start < 1500; start += 100)
        {
            await grain.Upsert([.. Enumerable.Range(start, 100).Select(Item)]);
        }

        var shard = Cluster.Client.GetGrain<ICollectionShardGrain>(CollectionKey.Shard(info.Uid, 0));
        Assert.Equal("hnsw", (await shard.WhenBuilt(settings)).Kind);
        var saved = Directory.GetFiles(_snapshots).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Single(saved.Keys, k => k.EndsWith(".usearch", StringComparison.Ordinal));

        // After the snapshot: 500 more items, 100 of the first ones deleted.
        for (var start = 1500; start < 2000; start += 100)
        {
            await grain.Upsert([.. Enumerable.Range(start, 100).Select(Item)]);
        }

        await grain.DeleteItems([.. Enumerable.Range(0, 100).Select(SeededVectors.Id)]);
        await Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        // The deactivation saved a newer snapshot; put the older one back, as if the silo had died before saving: the
        // shard must replay the 600 changes made after it from the store.
        var newer = Path.GetFileName(Directory.GetFiles(_snapshots, "*.usearch").Single());
        Assert.DoesNotContain(newer, saved.Keys);
        foreach (var file in Directory.GetFiles(_snapshots))
        {
            File.Delete(file);
        }

        foreach (var (name, bytes) in saved)
        {
            File.WriteAllBytes(Path.Combine(_snapshots, name), bytes);
        }

        // Back from the snapshot at once: a graph, not a background build.
        var stats = await shard.Describe(settings);
        Assert.Equal(("hnsw", 1900L), (stats.Kind, stats.Items));
        var live = Enumerable.Range(100, 1900).ToHashSet();
        double found = 0;
        foreach (var q in Enumerable.Range(0, 40).Select(i => vectors[i * 50]))
        {
            var truth = SeededVectors.Exact(vectors, q, 10, live.Contains).Select(SeededVectors.Id).ToHashSet();
            var hits = (await shard.Search(new ShardQuery(q, 10, null, null, Exact: false), settings)).Hits;
            Assert.DoesNotContain(hits, h => !live.Contains(int.Parse(h.Id[1..], System.Globalization.CultureInfo.InvariantCulture)));
            found += hits.Count(h => truth.Contains(h.Id));
        }

        Assert.True(found / 400 >= 0.95, $"recall@10 {found / 400:F3}");
        var newest = (await shard.Search(new ShardQuery(vectors[1999], 1, null, null, Exact: false), settings)).Hits;
        Assert.Equal(SeededVectors.Id(1999), newest[0].Id);

        // Deleting the collection removes its snapshot.
        await grain.Delete();
        Assert.Empty(Directory.GetFiles(_snapshots));
    }
}
