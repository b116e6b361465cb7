using ClipGrains.Grains.Collections;

namespace ClipGrains.Grains.Tests.Collections;

/// <summary>The collection store's contract, run against every store (memory, SQLite, PostgreSQL).</summary>
public abstract class CollectionStoreConformance
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, 123, TimeSpan.Zero);

    internal abstract Task<ICollectionStore> StoreAsync();

    private static ShardRow Row(string id, long seq, float first = 1, string metadata = "{}", long bytes = 10) =>
        new(id, seq, [first, 0.5f, -0.25f], System.Text.Encoding.UTF8.GetBytes(metadata), null, bytes, At);

    private static ShardRow Tombstone(string id, long seq) => new(id, seq, null, [], null, 0, At);

    [SkippableFact]
    public async Task Rows_read_back_exactly_by_shard_in_sequence_order_and_tombstones_replay()
    {
        var store = await StoreAsync();
        await store.WriteAsync("col_a", 0, [Row("x", 1), Row("y", 2, metadata: """{"k":"v"}""")]);
        await store.WriteAsync("col_a", 1, [Row("z", 1)]);
        await store.WriteAsync("col_a", 0, [Row("x", 3, first: 2), Tombstone("y", 4)]);

        var rows = await store.ReadShardAsync("col_a", 0, 0, 100);
        Assert.Equal([("x", 3L, false), ("y", 4L, true)], rows.Select(r => (r.Id, r.Sequence, r.Deleted)));
        Assert.Equal([2f, 0.5f, -0.25f], rows[0].Vector!);
        Assert.Equal(At, rows[0].UpdatedAt);
        Assert.Equal(["y"], (await store.ReadShardAsync("col_a", 0, 3, 100)).Select(r => r.Id));
        Assert.Equal(["x"], (await store.ReadShardAsync("col_a", 0, 0, 1)).Select(r => r.Id));
        Assert.Equal(4, await store.LastSequenceAsync("col_a", 0));
        Assert.Equal(1, await store.LastSequenceAsync("col_a", 1));
        Assert.Equal(0, await store.LastSequenceAsync("col_b", 0));
    }

    [SkippableFact]
    public async Task Pages_list_live_items_in_ordinal_id_order_across_shards()
    {
        var store = await StoreAsync();
        await store.WriteAsync("col_p", 0, [Row("b", 1), Row("B", 2), Row("a/1", 3), Tombstone("gone", 4)]);
        await store.WriteAsync("col_p", 1, [Row("_x", 1), Row("a", 2)]);
        await store.WriteAsync("col_other", 0, [Row("aa", 1)]);

        var first = await store.PageAsync("col_p", null, 3, withVectors: false);
        Assert.Equal(["B", "_x", "a"], first.Select(r => r.Id));
        var rest = await store.PageAsync("col_p", "a", 10, withVectors: true);
        Assert.Equal(["a/1", "b"], rest.Select(r => r.Id));
        Assert.Equal([1f, 0.5f, -0.25f], rest[0].Vector!);
    }

    [SkippableFact]
    public async Task Get_count_and_delete_see_only_live_items_of_their_collection()
    {
        var store = await StoreAsync();
        await store.WriteAsync("col_g", 0, [Row("a", 1, bytes: 100) with { Thumbnail = [1, 2, 3] }, Row("b", 2, bytes: 50), Tombstone("c", 3)]);
        await store.WriteAsync("col_h", 0, [Row("a", 1, bytes: 7)]);

        var a = await store.GetAsync("col_g", "a");
        Assert.Equal(100L, a!.Bytes);
        Assert.Equal([1, 2, 3], a.Thumbnail!);
        Assert.Null(await store.GetAsync("col_g", "c"));
        Assert.Null(await store.GetAsync("col_g", "zz"));
        Assert.Equal((2L, 150L), await store.CountAsync("col_g"));

        await store.DeleteCollectionAsync("col_g");
        Assert.Equal((0L, 0L), await store.CountAsync("col_g"));
        Assert.Empty(await store.ReadShardAsync("col_g", 0, 0, 10));
        Assert.Equal((1L, 7L), await store.CountAsync("col_h"));
    }
}

public sealed class MemoryCollectionStoreTests : CollectionStoreConformance
{
    internal override Task<ICollectionStore> StoreAsync() => Task.FromResult<ICollectionStore>(new MemoryCollectionStore());
}
