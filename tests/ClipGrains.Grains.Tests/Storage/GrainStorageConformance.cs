using Orleans.Storage;

namespace ClipGrains.Grains.Tests.Storage;

/// <summary>
/// The contract every ClipGrains grain store keeps (read/write/etag conflict/clear/concurrency), run against the
/// embedded SQLite store and the PostgreSQL store by the derived classes. <see cref="Storage"/> returns a new
/// store instance over the same database each time, as a restarted silo would have.
/// </summary>
public abstract class GrainStorageConformance
{
    private readonly GrainId _grain = GrainId.Create("test", "key-1");

    protected abstract Task<IGrainStorage> Storage();

    [SkippableFact]
    public async Task States_written_before_a_cutoff_are_deleted_by_kind_and_others_kept()
    {
        var storage = await Storage();
        var expiry = Assert.IsAssignableFrom<ClipGrains.Grains.Storage.IStateExpiry>(storage);
        var kind = "expiring-" + Guid.NewGuid().ToString("N");
        var other = GrainId.Create("test", "key-2");
        await storage.WriteStateAsync(kind, _grain, NewState());
        await storage.WriteStateAsync(kind, other, NewState());
        await storage.WriteStateAsync("kept-" + kind, _grain, NewState());

        Assert.Equal(0, await expiry.DeleteWrittenBeforeAsync(kind, DateTimeOffset.UtcNow - TimeSpan.FromHours(1)));
        Assert.Equal(2, await expiry.DeleteWrittenBeforeAsync(kind, DateTimeOffset.UtcNow + TimeSpan.FromHours(1)));

        var gone = NewState();
        await storage.ReadStateAsync(kind, _grain, gone);
        var kept = NewState();
        await storage.ReadStateAsync("kept-" + kind, _grain, kept);
        Assert.False(gone.RecordExists);
        Assert.True(kept.RecordExists);
    }

    [SkippableFact]
    public async Task Missing_state_reads_as_new_without_etag()
    {
        var storage = await Storage();
        var state = NewState();

        await storage.ReadStateAsync("s", _grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Empty(state.State!.Names);
    }

    [SkippableFact]
    public async Task Written_state_reads_back_in_another_instance()
    {
        var storage = await Storage();
        var state = NewState();
        state.State!.Names.Add("cats");
        await storage.WriteStateAsync("s", _grain, state);
        Assert.Equal("1", state.ETag);

        var reopened = await Storage();
        var read = NewState();
        await reopened.ReadStateAsync("s", _grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        Assert.Equal(["cats"], read.State!.Names);
    }

    [SkippableFact]
    public async Task Stale_etag_write_is_refused_and_changes_nothing()
    {
        var storage = await Storage();
        var first = NewState();
        await storage.WriteStateAsync("s", _grain, first);
        var stale = NewState(first.ETag);
        first.State!.Names.Add("newer");
        await storage.WriteStateAsync("s", _grain, first);

        stale.State!.Names.Add("older");
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", _grain, stale));

        Assert.Equal("2", error.StoredEtag);
        var read = NewState();
        await storage.ReadStateAsync("s", _grain, read);
        Assert.Equal(["newer"], read.State!.Names);
    }

    [SkippableFact]
    public async Task Second_insert_without_etag_is_a_conflict()
    {
        var storage = await Storage();
        await storage.WriteStateAsync("s", _grain, NewState());

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", _grain, NewState()));
    }

    [SkippableFact]
    public async Task Clear_removes_the_record_and_checks_the_etag()
    {
        var storage = await Storage();
        var state = NewState();
        await storage.WriteStateAsync("s", _grain, state);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("s", _grain, NewState("7")));

        await storage.ClearStateAsync("s", _grain, state);

        Assert.False(state.RecordExists);
        var read = NewState();
        await storage.ReadStateAsync("s", _grain, read);
        Assert.False(read.RecordExists);
    }

    [SkippableFact]
    public async Task State_names_and_grains_are_separate_rows()
    {
        var storage = await Storage();
        var a = NewState();
        a.State!.Names.Add("a");
        await storage.WriteStateAsync("s", _grain, a);
        var b = NewState();
        b.State!.Names.Add("b");
        await storage.WriteStateAsync("other", _grain, b);

        var read = NewState();
        await storage.ReadStateAsync("s", GrainId.Create("test", "key-2"), read);

        Assert.False(read.RecordExists);
    }

    [SkippableFact]
    public async Task Concurrent_writers_with_the_same_etag_let_exactly_one_win()
    {
        var storage = await Storage();
        var seed = NewState();
        await storage.WriteStateAsync("s", _grain, seed);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var writer = NewState(seed.ETag);
            writer.State!.Names.Add($"w{i}");
            try
            {
                await storage.WriteStateAsync("s", _grain, writer);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Single(results, won => won);
    }

    private static GrainState<NameSetState> NewState(string? etag = null) => new(new NameSetState(), etag);
}
