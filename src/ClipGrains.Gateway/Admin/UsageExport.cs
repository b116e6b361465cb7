using System.Globalization;
using System.Text;
using System.Text.Json;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Tenancy;

namespace ClipGrains.Gateway.Admin;

/// <summary>
/// <c>GET /admin/v1/tenants/{id}/usage/records</c>: a tenant's usage records in a time range, streamed for invoicing as
/// JSON lines (<c>?format=jsonl</c>, the default) or CSV with a header row (<c>?format=csv</c>). Streamed page by page
/// from the log, so an export of millions of records holds one page in memory.
/// </summary>
internal static class UsageExport
{
    /// <summary>Field names, in order: the CSV header and the JSON lines' properties.</summary>
    public static readonly string[] Fields = ["id", "tenant", "key_id", "model", "route", "images", "texts", "credits", "created", "lease", "refused", "decode_ms", "stored_bytes", "collection"];

    public static async Task ExportAsync(HttpContext context, string id, string? format, IGrainFactory grains, IUsageLog log, TimeProvider time)
    {
        var csv = format switch
        {
            null or "" or "jsonl" => false,
            "csv" => true,
            _ => throw ApiException.BadRequest($"'format' must be jsonl or csv (got '{format}').", "format"),
        };
        var range = UsageRange.Of(context.Request, time, limited: false);
        _ = await grains.GetGrain<ITenantGrain>(id).GetInfo() ?? throw ApiException.NotFound($"There is no tenant '{id}'.", "tenant_not_found");

        await log.FlushAsync(context.RequestAborted);
        context.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"usage-{id}.{(csv ? "csv" : "jsonl")}\"";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        if (csv)
        {
            await writer.WriteLineAsync(string.Join(',', Fields));
        }

        var count = 0;
        await foreach (var record in log.ReadAsync(id, range.From, range.To, context.RequestAborted))
        {
            await writer.WriteLineAsync(csv ? Csv(record) : Json(record));
            if (++count % 1_000 == 0)
            {
                await writer.FlushAsync(context.RequestAborted);
            }
        }
    }

    private static object?[] Values(UsageRecord r) =>
        [r.Id, r.Tenant, r.KeyId, r.Model, r.Route, r.Images, r.Texts, r.Credits,
         r.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), r.Lease, r.Refused, r.DecodeMilliseconds, r.StoredBytes, r.Collection];

    private static string Json(UsageRecord record)
    {
        var values = Values(record);
        var line = new Dictionary<string, object?>(Fields.Length);
        for (var i = 0; i < Fields.Length; i++)
        {
            line[Fields[i]] = values[i];
        }

        return JsonSerializer.Serialize(line);
    }

    // RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; booleans as true/false.
    private static string Csv(UsageRecord record) => string.Join(',', Values(record).Select(v => v switch
    {
        string s when s.AsSpan().IndexOfAny(",\"\r\n") >= 0 => $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v?.ToString() ?? string.Empty,
    }));
}
