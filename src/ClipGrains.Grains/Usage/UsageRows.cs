using System.Data.Common;
using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Usage;

/// <summary>The usage tables' columns and rows, shared by the SQLite and PostgreSQL stores (their schemas match column for column).</summary>
internal static class UsageRows
{
    /// <summary>A record's columns, in the order <see cref="Record"/> reads them.</summary>
    public const string Columns = "usage_id, tenant_id, key_id, model, route, images, texts, credits, at, lease_id, refused, decode_ms, stored_bytes, collection";

    /// <summary>Every row of <paramref name="command"/>'s result, read by <paramref name="read"/>.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>A row of <see cref="Columns"/>; the time and refused flag come converted, as each database stores them its own way.</summary>
    public static UsageRecord Record(DbDataReader row, DateTimeOffset at, bool refused) => new(
        row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3), row.GetString(4), row.GetInt32(5), row.GetInt32(6),
        row.GetInt64(7), at, row.GetInt64(9), refused, row.GetInt64(11), row.GetInt64(12), row.GetString(13));

    /// <summary>A row of a per-collection summary: name, requests, images, texts, credits.</summary>
    public static CollectionUsageGroup CollectionGroup(DbDataReader row) => new(row.GetString(0), row.GetInt64(1), row.GetInt64(2), row.GetInt64(3), row.GetInt64(4));

    /// <summary>A row of a summary: day, key, model, then the eight sums in <see cref="UsageGroup"/>'s order.</summary>
    public static UsageGroup Group(DbDataReader row) => new(
        row.GetString(0), row.GetString(1), row.GetString(2), row.GetInt64(3), row.GetInt64(4), row.GetInt64(5), row.GetInt64(6),
        row.GetInt64(7), row.GetInt64(8), row.GetInt64(9), row.GetInt64(10));
}
