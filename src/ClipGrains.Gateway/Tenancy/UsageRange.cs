using System.Globalization;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// The time range of a usage report or export, [<see cref="From"/>, <see cref="To"/>): <c>from</c> and <c>to</c> as UTC
/// dates (<c>2026-11-01</c>, whole days, <c>to</c> included) or ISO 8601 instants; by default the last 30 UTC days up to now.
/// </summary>
internal readonly record struct UsageRange(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The longest range one report covers; exports are not limited.</summary>
    public const int MaxReportDays = 366;

    // Instants a range may name: wide enough for any usage log, narrow enough that a day or a report's length added to
    // either end stays a valid DateTimeOffset (9999-12-31 + 1 day was a 500).
    private static readonly DateTimeOffset Earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static UsageRange Of(HttpRequest request, TimeProvider time, int? days = null, bool limited = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var to = Parse(request.Query["to"], "to", endOfDay: true) ?? now;
        var span = days ?? 30;
        if (span is < 1 or > MaxReportDays)
        {
            throw ApiException.BadRequest($"'days' must be between 1 and {MaxReportDays}.", "days");
        }

        var from = Parse(request.Query["from"], "from", endOfDay: false) ?? new DateTimeOffset(to.UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - span);
        if (from >= to)
        {
            throw ApiException.BadRequest($"'from' ({from:O}) must be before 'to' ({to:O}).", "from");
        }

        if (limited && to - from > TimeSpan.FromDays(MaxReportDays))
        {
            throw ApiException.BadRequest($"A usage report covers at most {MaxReportDays} days; narrow 'from'..'to' or use the admin export for longer ranges.", "from");
        }

        return new UsageRange(from, to);
    }

    private static DateTimeOffset? Parse(string? value, string name, bool endOfDay)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        DateTimeOffset? parsed = null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            parsed = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        else if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            && value.Contains('T', StringComparison.Ordinal))
        {
            parsed = instant;
            endOfDay = false;
        }

        if (parsed is { } at)
        {
            if (at < Earliest || at >= Latest)
            {
                throw ApiException.BadRequest($"'{name}' must be between 1970-01-01 and 8999-12-31 (got '{value}').", name);
            }

            return endOfDay ? at.AddDays(1) : at;
        }

        throw ApiException.BadRequest($"'{name}' must be a UTC date such as 2026-11-01 or an ISO 8601 time such as 2026-11-01T12:00:00Z (got '{value}').", name);
    }
}
