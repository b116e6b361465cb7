using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Usage;

namespace ClipGrains.Grains.Tests.Usage;

/// <summary>The usage log's storage contract, run against every store.</summary>
public abstract class UsageStoreConformance
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 28, 23, 59, 59, 500, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = new(2026, 11, 29, 0, 0, 0, 250, TimeSpan.Zero);

    protected abstract Task<IUsageStore> StoreAsync();

    private static UsageRecord Record(string id, string key, string model, long credits, DateTimeOffset at, int images = 0, int texts = 0, string tenant = "tn_a") =>
        new(id, tenant, key, model, "createEmbedding", images, texts, credits, at);

    [SkippableFact]
    public async Task A_batch_written_twice_is_stored_once_and_reads_back_exactly()
    {
        var store = await StoreAsync();
        UsageRecord[] batch =
        [
            Record("u1", "k1", "tiny", 10, Day1, images: 1),
            Record("u2", "k1", "tiny", 3, Day2, texts: 3) with { Lease = 7, StoredBytes = 99 },
            Record("u3", "k2", "big, \"quoted\"", 0, Day2) with { Refused = true, DecodeMilliseconds = 12 },
        ];

        await store.InsertAsync(batch);
        await store.InsertAsync(batch);

        var read = await store.PageAsync("tn_a", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, 100);
        Assert.Equal(batch, read);
    }

    [SkippableFact]
    public async Task A_batch_of_several_statements_is_stored_whole_and_once()
    {
        var store = await StoreAsync();
        var batch = Enumerable.Range(0, 150).Select(i => Record($"b{i:D3}", "k", "m", i, Day1.AddMilliseconds(i), images: i % 3)).ToList();

        await store.InsertAsync(batch);
        await store.InsertAsync(batch.Skip(100).Concat([Record("b999", "k", "m", 1, Day2)]).ToList());

        var read = await store.PageAsync("tn_a", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, 1_000);
        Assert.Equal(batch.Append(Record("b999", "k", "m", 1, Day2)), read);
    }

    [SkippableFact]
    public async Task Pages_follow_time_then_id_and_respect_the_range_and_the_tenant()
    {
        var store = await StoreAsync();
        await store.InsertAsync([Record("b", "k", "m", 1, Day2), Record("a", "k", "m", 1, Day2), Record("c", "k", "m", 1, Day1), Record("x", "k", "m", 1, Day1, tenant: "tn_b")]);

        var first = await store.PageAsync("tn_a", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, 2);
        var rest = await store.PageAsync("tn_a", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, (first[^1].At, first[^1].Id), 2);
        var onlyDay2 = await store.PageAsync("tn_a", Day2, Day2.AddDays(1), null, 10);

        Assert.Equal(["c", "a"], first.Select(r => r.Id));
        Assert.Equal(["b"], rest.Select(r => r.Id));
        Assert.Equal(["a", "b"], onlyDay2.Select(r => r.Id));
    }

    [SkippableFact]
    public async Task Summaries_are_exact_sums_per_utc_day_key_and_model()
    {
        var store = await StoreAsync();
        await store.InsertAsync(
        [
            Record("1", "k1", "tiny", 10, Day1, images: 1),
            Record("2", "k1", "tiny", 20, Day1, images: 2) with { StoredBytes = 100 },
            Record("3", "k2", "tiny", 5, Day2, texts: 5),
            Record("4", "k1", "int8", 3, Day2, texts: 1),
            Record("5", "k1", "tiny", 0, Day2) with { Refused = true, DecodeMilliseconds = 40, Images = 0 },
            Record("6", "k9", "tiny", 1, Day2, tenant: "tn_b"),
        ]);

        var groups = await store.SummarizeAsync("tn_a", DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

        Assert.Equal(
        [
            new UsageGroup("2026-11-28", "k1", "tiny", 2, 3, 0, 30, 0, 0, 1, 100),
            new UsageGroup("2026-11-29", "k1", "int8", 1, 0, 1, 3, 0, 0, 0, 0),
            new UsageGroup("2026-11-29", "k1", "tiny", 0, 0, 0, 0, 1, 40, 0, 0),
            new UsageGroup("2026-11-29", "k2", "tiny", 1, 0, 5, 5, 0, 0, 0, 0),
        ],
        groups);
    }

    [SkippableFact]
    public async Task A_range_of_whole_and_partial_days_sums_exactly_what_falls_inside_it_and_a_repeated_batch_once()
    {
        var store = await StoreAsync();
        static DateTimeOffset At(int day, int hour) => new(2026, 11, day, hour, 0, 0, TimeSpan.Zero);
        UsageRecord[] batch =
        [
            Record("p1", "k", "m", 1, At(27, 10)), // before the range
            Record("p2", "k", "m", 2, At(27, 13)), // the range's first, partial day
            Record("p3", "k", "m", 4, At(28, 0)), // a whole day, at its first instant
            Record("p4", "k", "m", 8, At(28, 23)),
            Record("p5", "k", "m", 16, At(29, 6)), // the range's last, partial day
            Record("p6", "k", "m", 32, At(29, 12)), // at the range's end: excluded
        ];
        await store.InsertAsync(batch);
        await store.InsertAsync(batch);

        var groups = await store.SummarizeAsync("tn_a", At(27, 12), At(29, 12));

        Assert.Equal(
        [
            new UsageGroup("2026-11-27", "k", "m", 1, 0, 0, 2, 0, 0, 0, 0),
            new UsageGroup("2026-11-28", "k", "m", 2, 0, 0, 12, 0, 0, 0, 0),
            new UsageGroup("2026-11-29", "k", "m", 1, 0, 0, 16, 0, 0, 0, 0),
        ],
        groups);
        Assert.Equal([new UsageGroup("2026-11-28", "k", "m", 2, 0, 0, 12, 0, 0, 0, 0)], await store.SummarizeAsync("tn_a", At(28, 0), At(29, 0)));
        Assert.Equal([new UsageGroup("2026-11-29", "k", "m", 1, 0, 0, 16, 0, 0, 0, 0)], await store.SummarizeAsync("tn_a", At(29, 1), At(29, 7)));
    }

    [SkippableFact]
    public async Task Lease_credits_and_membership_are_per_tenant()
    {
        var store = await StoreAsync();
        await store.InsertAsync([Record("l1", "k", "m", 4, Day1) with { Lease = 9 }, Record("l2", "k", "m", 6, Day2) with { Lease = 9 }, Record("l3", "k", "m", 5, Day2), Record("l4", "k", "m", 50, Day2, tenant: "tn_b") with { Lease = 9 }]);

        Assert.Equal(10, await store.LeaseCreditsAsync("tn_a", 9));
        Assert.Equal(0, await store.LeaseCreditsAsync("tn_a", 8));
        Assert.True(await store.ContainsAsync("tn_a", "l3"));
        Assert.False(await store.ContainsAsync("tn_b", "l3"));
        Assert.False(await store.ContainsAsync("tn_a", "nope"));
    }
}
