using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;

namespace ClipGrains.Grains.Usage;

/// <summary>The usage log in PostgreSQL's <c>clipgrains_usage</c> (schema version 2), one batch per round trip.</summary>
internal sealed class PostgresUsageStore(PostgresDatabase database, IOptions<ClusterOptions> cluster) : IUsageStore
{
    private const string Columns = UsageRows.Columns;
    private readonly string _serviceId = cluster.Value.ServiceId;

    public async Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = await database.OpenAsync(cancellationToken);

        // One statement for the whole batch: the arrays are unnested into rows server-side.
        await using var command = new NpgsqlCommand($"""
            INSERT INTO clipgrains_usage (service_id, {Columns})
            SELECT @s, * FROM unnest(@id, @tenant, @key, @model, @route, @images, @texts, @credits, @at, @lease, @refused, @decode, @stored, @collection)
            ON CONFLICT DO NOTHING
            """, connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("id", records.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue("tenant", records.Select(r => r.Tenant).ToArray());
        command.Parameters.AddWithValue("key", records.Select(r => r.KeyId).ToArray());
        command.Parameters.AddWithValue("model", records.Select(r => r.Model).ToArray());
        command.Parameters.AddWithValue("route", records.Select(r => r.Route).ToArray());
        command.Parameters.AddWithValue("images", records.Select(r => r.Images).ToArray());
        command.Parameters.AddWithValue("texts", records.Select(r => r.Texts).ToArray());
        command.Parameters.AddWithValue("credits", records.Select(r => r.Credits).ToArray());
        command.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = records.Select(r => r.At.UtcDateTime).ToArray() });
        command.Parameters.AddWithValue("lease", records.Select(r => r.Lease).ToArray());
        command.Parameters.AddWithValue("refused", records.Select(r => r.Refused).ToArray());
        command.Parameters.AddWithValue("decode", records.Select(r => r.DecodeMilliseconds).ToArray());
        command.Parameters.AddWithValue("stored", records.Select(r => r.StoredBytes).ToArray());
        command.Parameters.AddWithValue("collection", records.Select(r => r.Collection).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UsageRecord>> PageAsync(
        string tenant, DateTimeOffset since, DateTimeOffset until, (DateTimeOffset At, string Id)? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM clipgrains_usage
            WHERE service_id = @s AND tenant_id = @tenant AND at >= @from AND at < @to
              AND (@afterAt::timestamptz IS NULL OR (at, usage_id) > (@afterAt::timestamptz, @afterId))
            ORDER BY at, usage_id LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("from", since.UtcDateTime);
        command.Parameters.AddWithValue("to", until.UtcDateTime);
        command.Parameters.Add(new NpgsqlParameter("afterAt", NpgsqlDbType.TimestampTz) { Value = after is { } a ? a.At.UtcDateTime : DBNull.Value });
        command.Parameters.AddWithValue("afterId", after?.Id ?? string.Empty);
        command.Parameters.AddWithValue("limit", limit);
        return await UsageRows.ReadAllAsync(
            command, row => UsageRows.Record(row, new DateTimeOffset(row.GetDateTime(8), TimeSpan.Zero), row.GetBoolean(10)), cancellationToken);
    }

    public Task<IReadOnlyList<UsageGroup>> SummarizeAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        UsageDays.SummarizeAsync(since, until, (from, to) => RawSummaryAsync(tenant, from, to, cancellationToken), (first, last) => DailySummaryAsync(tenant, first, last, cancellationToken));

    private async Task<IReadOnlyList<UsageGroup>> DailySummaryAsync(string tenant, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT to_char(day, 'YYYY-MM-DD'), key_id, model, requests, images, texts, credits, refused, refused_decode_ms, stored_responses, stored_bytes
            FROM clipgrains_usage_daily WHERE service_id = @s AND tenant_id = @tenant AND day >= @first AND day <= @last
            """, connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("last", last);
        return await UsageRows.ReadAllAsync(command, UsageRows.Group, cancellationToken);
    }

    // Summed from the raw log: only for the partial days at a range's edges.
    private async Task<IReadOnlyList<UsageGroup>> RawSummaryAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, key_id, model,
                   count(*) FILTER (WHERE NOT refused), coalesce(sum(images) FILTER (WHERE NOT refused), 0), coalesce(sum(texts) FILTER (WHERE NOT refused), 0),
                   sum(credits)::bigint, count(*) FILTER (WHERE refused), coalesce(sum(decode_ms) FILTER (WHERE refused), 0)::bigint,
                   count(*) FILTER (WHERE stored_bytes > 0), sum(stored_bytes)::bigint
            FROM clipgrains_usage WHERE service_id = @s AND tenant_id = @tenant AND at >= @from AND at < @to
            GROUP BY day, key_id, model ORDER BY day, key_id, model
            """, connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("from", since.UtcDateTime);
        command.Parameters.AddWithValue("to", until.UtcDateTime);
        return await UsageRows.ReadAllAsync(command, UsageRows.Group, cancellationToken);
    }

    public async Task<IReadOnlyList<CollectionUsageGroup>> SummarizeCollectionsAsync(string tenant, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT collection, count(*), sum(images)::bigint, sum(texts)::bigint, sum(credits)::bigint FROM clipgrains_usage
            WHERE service_id = @s AND tenant_id = @tenant AND at >= @from AND at < @to AND collection <> '' AND NOT refused
            GROUP BY collection ORDER BY collection COLLATE "C"
            """, connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("from", since.UtcDateTime);
        command.Parameters.AddWithValue("to", until.UtcDateTime);
        return await UsageRows.ReadAllAsync(command, UsageRows.CollectionGroup, cancellationToken);
    }

    // Read by the tenant grain: a failure must cross silos as StorageUnavailableException (PostgresDatabase.Guard).
    public Task<bool> ContainsAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        PostgresDatabase.Guard(() => ContainsCoreAsync(tenant, id, cancellationToken));

    public Task<long> LeaseCreditsAsync(string tenant, long lease, CancellationToken cancellationToken = default) =>
        PostgresDatabase.Guard(() => LeaseCreditsCoreAsync(tenant, lease, cancellationToken));

    private async Task<bool> ContainsCoreAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1 FROM clipgrains_usage WHERE service_id = @s AND usage_id = @id AND tenant_id = @tenant", connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenant);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private async Task<long> LeaseCreditsCoreAsync(string tenant, long lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(credits), 0)::bigint FROM clipgrains_usage WHERE service_id = @s AND tenant_id = @tenant AND lease_id = @lease AND lease_id <> 0", connection);
        command.Parameters.AddWithValue("s", _serviceId);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("lease", lease);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
