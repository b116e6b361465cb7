using ClipGrains.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace ClipGrains.Grains.Tests.Storage;

public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "clipgrains-tests", $"{Guid.NewGuid():N}.db");
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly GrainId _grain = GrainId.Create("test", "key-1");

    private SqliteGrainStorage Storage() =>
        new(Options.Create(new SqliteGrainStorageOptions { DatabasePath = _path }), _services.GetRequiredService<Serializer>());

    [Fact]
    public async Task Missing_state_reads_as_new_without_etag()
    {
        using var storage = Storage();
        var state = NewState();

        await storage.ReadStateAsync("s", _grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Empty(state.State!.Names);
    }

    [Fact]
    public async Task Written_state_reads_back_in_another_instance()
    {
        using (var storage = Storage())
        {
            var state = NewState();
            state.State!.Names.Add("cats");
            await storage.WriteStateAsync("s", _grain, state);
            Assert.Equal("1", state.ETag);
        }

        using var reopened = Storage();
        var read = NewState();
        await reopened.ReadStateAsync("s", _grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        Assert.Equal(["cats"], read.State!.Names);
    }

    [Fact]
    public async Task Stale_etag_write_is_refused_and_changes_nothing()
    {
        using var storage = Storage();
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

    [Fact]
    public async Task Second_insert_without_etag_is_a_conflict()
    {
        using var storage = Storage();
        await storage.WriteStateAsync("s", _grain, NewState());

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", _grain, NewState()));
    }

    [Fact]
    public async Task Clear_removes_the_record_and_checks_the_etag()
    {
        using var storage = Storage();
        var state = NewState();
        await storage.WriteStateAsync("s", _grain, state);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("s", _grain, NewState("7")));

        await storage.ClearStateAsync("s", _grain, state);

        Assert.False(state.RecordExists);
        var read = NewState();
        await storage.ReadStateAsync("s", _grain, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task State_names_and_grains_are_separate_rows()
    {
        using var storage = Storage();
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

    [Fact]
    public async Task Concurrent_writers_with_the_same_etag_let_exactly_one_win()
    {
        using var storage = Storage();
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

    public void Dispose()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

}
