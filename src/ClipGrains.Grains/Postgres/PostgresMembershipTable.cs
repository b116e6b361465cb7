using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;

namespace ClipGrains.Grains.Postgres;

/// <summary>
/// Orleans cluster membership in PostgreSQL, on the project's own schema (Orleans ships no SQL in its packages).
/// Invariants the membership protocol relies on: the table version is a compare-and-swap counter per cluster
/// (its etag is the version number as text); a row insert or update succeeds only when both the table version and,
/// for updates, the row's own etag still hold what the caller read; both changes commit in one transaction.
/// </summary>
internal sealed class PostgresMembershipTable(PostgresDatabase database, Serializer serializer, IOptions<ClusterOptions> cluster) : IMembershipTable
{
    private readonly string _clusterId = cluster.Value.ClusterId;

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (tryInitTableVersion)
        {
            await using var command = new NpgsqlCommand("INSERT INTO clipgrains_membership_version (cluster_id, version) VALUES (@c, 0) ON CONFLICT DO NOTHING", connection);
            command.Parameters.AddWithValue("c", _clusterId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM clipgrains_membership_version WHERE cluster_id = @c", connection);
        command.Parameters.AddWithValue("c", clusterId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        // Only rows that stopped heartbeating long ago and are not active: a live silo is never removed here.
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM clipgrains_membership WHERE cluster_id = @c AND iamalive_at < @before AND status <> @active", connection);
        command.Parameters.AddWithValue("c", _clusterId);
        command.Parameters.AddWithValue("before", beforeDate.UtcDateTime);
        command.Parameters.AddWithValue("active", (int)SiloStatus.Active);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) => ReadAsync(key, cancellationToken);

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) => ReadAsync(null, cancellationToken);

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await AdvanceVersionAsync(connection, transaction, tableVersion, cancellationToken))
        {
            return false;
        }

        await using var insert = new NpgsqlCommand("""
            INSERT INTO clipgrains_membership (cluster_id, address, silo_name, host_name, status, started_at, iamalive_at, etag, entry)
            VALUES (@c, @a, @silo, @host, @status, @started, @alive, 1, @entry)
            ON CONFLICT DO NOTHING
            """, connection, transaction);
        AddEntry(insert, entry);
        if (await insert.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        if (!long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var expectedEtag))
        {
            return false;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await AdvanceVersionAsync(connection, transaction, tableVersion, cancellationToken))
        {
            return false;
        }

        await using var update = new NpgsqlCommand("""
            UPDATE clipgrains_membership
            SET silo_name = @silo, host_name = @host, status = @status, started_at = @started, iamalive_at = @alive, etag = etag + 1, entry = @entry
            WHERE cluster_id = @c AND address = @a AND etag = @etag
            """, connection, transaction);
        AddEntry(update, entry);
        update.Parameters.AddWithValue("etag", expectedEtag);
        if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        // Heartbeats touch only the timestamp: they do not bump the row etag, so they never make a concurrent
        // status change (a suspicion, a death declaration) fail and retry.
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("UPDATE clipgrains_membership SET iamalive_at = @alive WHERE cluster_id = @c AND address = @a", connection);
        command.Parameters.AddWithValue("c", _clusterId);
        command.Parameters.AddWithValue("a", entry.SiloAddress.ToParsableString());
        command.Parameters.AddWithValue("alive", Utc(entry.IAmAliveTime));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // The token-less members are obsolete in Orleans 10 but still abstract; they forward to the ones above.
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    private async Task<MembershipTableData> ReadAsync(SiloAddress? key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var versionCommand = new NpgsqlCommand("SELECT version FROM clipgrains_membership_version WHERE cluster_id = @c", connection, transaction);
        versionCommand.Parameters.AddWithValue("c", _clusterId);
        var version = await versionCommand.ExecuteScalarAsync(cancellationToken) is long v ? v : 0;

        await using var rows = new NpgsqlCommand(
            key is null
                ? "SELECT entry, iamalive_at, etag FROM clipgrains_membership WHERE cluster_id = @c"
                : "SELECT entry, iamalive_at, etag FROM clipgrains_membership WHERE cluster_id = @c AND address = @a",
            connection, transaction);
        rows.Parameters.AddWithValue("c", _clusterId);
        if (key is not null)
        {
            rows.Parameters.AddWithValue("a", key.ToParsableString());
        }

        var entries = new List<Tuple<MembershipEntry, string>>();
        await using (var reader = await rows.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var entry = serializer.Deserialize<MembershipEntry>(reader.GetFieldValue<byte[]>(0))
                    ?? throw new InvalidOperationException("A membership row holds no entry.");
                entry.IAmAliveTime = reader.GetFieldValue<DateTime>(1);
                entries.Add(Tuple.Create(entry, reader.GetInt64(2).ToString(CultureInfo.InvariantCulture)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        var tableVersion = new TableVersion(checked((int)version), version.ToString(CultureInfo.InvariantCulture));
        return new MembershipTableData(entries, tableVersion);
    }

    /// <summary>Moves the table version from the one the caller read (its etag) to the one it proposes.</summary>
    private async Task<bool> AdvanceVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TableVersion proposed, CancellationToken cancellationToken)
    {
        if (!long.TryParse(proposed.VersionEtag, NumberStyles.None, CultureInfo.InvariantCulture, out var readVersion))
        {
            return false;
        }

        await using var command = new NpgsqlCommand(
            "UPDATE clipgrains_membership_version SET version = @next, updated_at = now() WHERE cluster_id = @c AND version = @read",
            connection, transaction);
        command.Parameters.AddWithValue("c", _clusterId);
        command.Parameters.AddWithValue("next", (long)proposed.Version);
        command.Parameters.AddWithValue("read", readVersion);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return true;
        }

        await transaction.RollbackAsync(cancellationToken);
        return false;
    }

    private void AddEntry(NpgsqlCommand command, MembershipEntry entry)
    {
        command.Parameters.AddWithValue("c", _clusterId);
        command.Parameters.AddWithValue("a", entry.SiloAddress.ToParsableString());
        command.Parameters.AddWithValue("silo", entry.SiloName ?? "");
        command.Parameters.AddWithValue("host", entry.HostName ?? "");
        command.Parameters.AddWithValue("status", (int)entry.Status);
        command.Parameters.AddWithValue("started", Utc(entry.StartTime));
        command.Parameters.AddWithValue("alive", Utc(entry.IAmAliveTime));
        command.Parameters.AddWithValue("entry", serializer.SerializeToArray(entry));
    }

    // Orleans stamps membership times with DateTime.UtcNow but a default(DateTime) is Unspecified; timestamptz needs UTC.
    private static DateTime Utc(DateTime value) => value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
