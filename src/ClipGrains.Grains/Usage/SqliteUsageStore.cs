using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace ClipGrains.Grains.Usage;

/// <summary>The usage log in the single-machine database's <c>usage_log</c> table (times in unix milliseconds, UTC).</summary>
internal sealed class SqliteUsageStore(SqliteDatabase database) : IUsageStore
{
    private const string Columns = "usage_id, tenant_id, key_id, model, route, images, texts, credits, at, lease_id, refused, decode_ms, stored_bytes";
    private static readonly string[] Parameters = ["$id", "$tenant", "$key", "$model", "$route", "$images", "$texts", "$credits", "$at", "$lease", "$refused", "$decode", "$stored"];

    public async Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO usage_log ({Columns}) VALUES ($id, $tenant, $key, $model, $route, $images, $texts, $credits, $at, $lease, $refused, $decode, $stored) ON CONFLICT DO NOTHING";
        var p = Parameters.Select(name => command.Parameters.Add(name, SqliteType.Text)).ToArray();
        foreach (var r in records)
        {
            object[] values = [r.Id, r.Tenant, r.KeyId, r.Model, r.Route, r.Images, r.Texts, r.Credits, r.At.ToUnixTimeMilliseconds(), r.Lease, r.Refused ? 1 : 0, r.DecodeMilliseconds, r.StoredBytes];
            for (var i = 0; i < p.Length; i++)
            {
                p[i].SqliteType = values[i] is string ? SqliteType.Text : SqliteType.Integer;
                p[i].Value = values[i];
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UsageRecord>> PageAsync(
        string tenant, DateTimeOffset since, DateTimeOffset until, (DateTimeOffset At, string Id)? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM usage_log
            WHERE tenant_id = $tenant AND at >= $from AND at < $to AND (at > $afterAt OR (at = $afterAt AND usage_id > $afterId))
            ORDER BY at, usage_id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$from", since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$to", until.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$afterAt", after?.At.ToUnixTimeMilliseconds() ?? long.MinValue);
        command.Parameters.AddWithValue("$afterId", after?.Id ?? string.Empty);
        command.Parameters.AddWithValue("$limit", limit);
        var page = new List<UsageRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(new UsageRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6),
                reader.GetInt64(7), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)), reader.GetInt64(9), reader.GetInt64(10) != 0, reader.GetInt64(11), reader.GetInt64(12)));
        }

        return page;
    }

    public async Task<IReadOnlyList<UsageGroup>> SummarizeAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT strftime('%Y-%m-%d', at / 1000, 'unixepoch') AS day, key_id, model,
                   SUM(refused = 0), SUM(CASE WHEN refused = 0 THEN images ELSE 0 END), SUM(CASE WHEN refused = 0 THEN texts ELSE 0 END), SUM(credits),
                   SUM(refused), SUM(CASE WHEN refused = 1 THEN decode_ms ELSE 0 END), SUM(stored_bytes > 0), SUM(stored_bytes)
            FROM usage_log WHERE tenant_id = $tenant AND at >= $from AND at < $to
            GROUP BY day, key_id, model ORDER BY day, key_id, model
            """;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$from", since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$to", until.ToUnixTimeMilliseconds());
        var groups = new List<UsageGroup>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            groups.Add(new UsageGroup(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6),
                reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10)));
        }

        return groups;
    }

    public async Task<bool> ContainsAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM usage_log WHERE usage_id = $id AND tenant_id = $tenant";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$tenant", tenant);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<long> LeaseCreditsAsync(string tenant, long lease, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(credits), 0) FROM usage_log WHERE tenant_id = $tenant AND lease_id = $lease AND lease_id <> 0";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$lease", lease);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
