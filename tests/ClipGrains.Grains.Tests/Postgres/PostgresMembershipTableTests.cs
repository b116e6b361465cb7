using System.Net;
using ClipGrains.Grains.Postgres;
using ClipGrains.Grains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;

namespace ClipGrains.Grains.Tests.Postgres;

/// <summary>The membership-table contract Orleans' protocol relies on, against a fresh PostgreSQL database.</summary>
[Trait("Category", "postgres")]
public sealed class PostgresMembershipTableTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTime Start = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private TestPostgres? _postgres;
    private PostgresDatabase? _database;

    public Task InitializeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task A_new_table_has_version_zero_and_no_rows()
    {
        var table = await TableAsync();

        var data = await table.ReadAll();

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
    }

    [SkippableFact]
    public async Task Insert_needs_the_version_that_was_read_and_bumps_it()
    {
        var table = await TableAsync();
        var read = await table.ReadAll();

        Assert.True(await table.InsertRow(Entry(1, SiloStatus.Joining), read.Version.Next()));
        Assert.False(await table.InsertRow(Entry(2, SiloStatus.Joining), read.Version.Next()));

        var after = await table.ReadAll();
        Assert.Equal(1, after.Version.Version);
        var member = Assert.Single(after.Members);
        Assert.Equal(Address(1), member.Item1.SiloAddress);
        Assert.Equal(SiloStatus.Joining, member.Item1.Status);
        Assert.Equal("silo-1", member.Item1.SiloName);
    }

    [SkippableFact]
    public async Task A_duplicate_insert_fails_and_leaves_the_version_alone()
    {
        var table = await TableAsync();
        Assert.True(await table.InsertRow(Entry(1, SiloStatus.Joining), (await table.ReadAll()).Version.Next()));

        Assert.False(await table.InsertRow(Entry(1, SiloStatus.Active), (await table.ReadAll()).Version.Next()));

        var after = await table.ReadAll();
        Assert.Equal(1, after.Version.Version);
        Assert.Equal(SiloStatus.Joining, Assert.Single(after.Members).Item1.Status);
    }

    [SkippableFact]
    public async Task Update_needs_both_the_row_etag_and_the_table_version()
    {
        var table = await TableAsync();
        Assert.True(await table.InsertRow(Entry(1, SiloStatus.Joining), (await table.ReadAll()).Version.Next()));
        var read = await table.ReadRow(Address(1));
        var etag = read.Members[0].Item2;

        Assert.False(await table.UpdateRow(Entry(1, SiloStatus.Active), "999", read.Version.Next()));
        Assert.True(await table.UpdateRow(Entry(1, SiloStatus.Active), etag, read.Version.Next()));
        Assert.False(await table.UpdateRow(Entry(1, SiloStatus.Dead), etag, read.Version.Next().Next()));

        var after = await table.ReadRow(Address(1));
        Assert.Equal(SiloStatus.Active, after.Members[0].Item1.Status);
        Assert.Equal(2, after.Version.Version);
        Assert.NotEqual(etag, after.Members[0].Item2);
    }

    [SkippableFact]
    public async Task Concurrent_updates_from_one_read_let_exactly_one_win()
    {
        var table = await TableAsync();
        Assert.True(await table.InsertRow(Entry(1, SiloStatus.Active), (await table.ReadAll()).Version.Next()));
        var read = await table.ReadRow(Address(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            var entry = Entry(1, SiloStatus.Active);
            entry.SuspectTimes = [Tuple.Create(Address(10 + i), Start)];
            return table.UpdateRow(entry, read.Members[0].Item2, read.Version.Next());
        })));

        Assert.Single(results, won => won);
    }

    [SkippableFact]
    public async Task Heartbeats_change_only_the_alive_time()
    {
        var table = await TableAsync();
        Assert.True(await table.InsertRow(Entry(1, SiloStatus.Active), (await table.ReadAll()).Version.Next()));
        var before = await table.ReadRow(Address(1));

        var beat = Entry(1, SiloStatus.Active);
        beat.IAmAliveTime = Start.AddMinutes(3);
        await table.UpdateIAmAlive(beat);

        var after = await table.ReadRow(Address(1));
        Assert.Equal(Start.AddMinutes(3), after.Members[0].Item1.IAmAliveTime);
        Assert.Equal(before.Members[0].Item2, after.Members[0].Item2);
        Assert.Equal(before.Version, after.Version);
    }

    [SkippableFact]
    public async Task Cleanup_removes_only_old_rows_of_silos_that_are_not_active()
    {
        var table = await TableAsync();
        foreach (var (n, status) in new[] { (1, SiloStatus.Dead), (2, SiloStatus.Active), (3, SiloStatus.Dead) })
        {
            var entry = Entry(n, status);
            entry.IAmAliveTime = n == 3 ? Start.AddHours(2) : Start;
            Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntries(new DateTimeOffset(Start.AddHours(1)));

        var left = (await table.ReadAll()).Members.Select(m => m.Item1.SiloAddress).OrderBy(a => a.Endpoint.Port).ToArray();
        Assert.Equal([Address(2), Address(3)], left);
    }

    [SkippableFact]
    public async Task Deleting_a_cluster_removes_its_rows_and_version()
    {
        var table = await TableAsync();
        Assert.True(await table.InsertRow(Entry(1, SiloStatus.Active), (await table.ReadAll()).Version.Next()));

        await table.DeleteMembershipTableEntries("conformance");

        Assert.Equal(0, await _postgres!.ScalarAsync("SELECT count(*) FROM clipgrains_membership"));
        Assert.Equal(0, await _postgres.ScalarAsync("SELECT count(*) FROM clipgrains_membership_version"));
    }

    private async Task<Table> TableAsync()
    {
        _postgres = await TestPostgres.CreateDatabaseAsync();
        _database = new PostgresDatabase(new PostgresOptions { ConnectionString = _postgres.ConnectionString });
        var table = new Table(new PostgresMembershipTable(_database, _services.GetRequiredService<Serializer>(), Options.Create(new ClusterOptions { ClusterId = "conformance" })));
        await table.InitializeMembershipTable();
        return table;
    }

    private static SiloAddress Address(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 20000 + n), 7);

    private static MembershipEntry Entry(int n, SiloStatus status) => new()
    {
        SiloAddress = Address(n),
        Status = status,
        SiloName = $"silo-{n}",
        HostName = "test-host",
        StartTime = Start,
        IAmAliveTime = Start,
        SuspectTimes = [],
    };

    public void Dispose() => _services.Dispose();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await _services.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>The table through the calls Orleans makes, without a cancellation token at every call site.</summary>
    private sealed class Table(IMembershipTable inner)
    {
        public Task InitializeMembershipTable() => inner.InitializeMembershipTableAsync(true, CancellationToken.None);

        public Task<MembershipTableData> ReadAll() => inner.ReadAllAsync(CancellationToken.None);

        public Task<MembershipTableData> ReadRow(SiloAddress address) => inner.ReadRowAsync(address, CancellationToken.None);

        public Task<bool> InsertRow(MembershipEntry entry, TableVersion version) => inner.InsertRowAsync(entry, version, CancellationToken.None);

        public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion version) => inner.UpdateRowAsync(entry, etag, version, CancellationToken.None);

        public Task UpdateIAmAlive(MembershipEntry entry) => inner.UpdateIAmAliveAsync(entry, CancellationToken.None);

        public Task CleanupDefunctSiloEntries(DateTimeOffset before) => inner.CleanupDefunctSiloEntriesAsync(before, CancellationToken.None);

        public Task DeleteMembershipTableEntries(string clusterId) => inner.DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);
    }
}
