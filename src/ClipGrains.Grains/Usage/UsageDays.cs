using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Usage;

/// <summary>
/// How a report's range is read: the whole UTC days inside it from the daily roll-ups (one row per day, key and model,
/// whatever the traffic), the partial days at its edges from the raw log (at most a day's records each). The one home
/// of that split for both stores.
/// </summary>
internal static class UsageDays
{
    /// <summary>The parts of [<paramref name="since"/>, <paramref name="until"/>): raw ranges and the whole days (inclusive), if any.</summary>
    public static (List<(DateTimeOffset From, DateTimeOffset To)> Raw, (DateOnly First, DateOnly Last)? Whole) Split(DateTimeOffset since, DateTimeOffset until)
    {
        var raw = new List<(DateTimeOffset, DateTimeOffset)>();
        if (until <= since)
        {
            return (raw, null);
        }

        var start = since.ToUniversalTime();
        var firstWhole = start.TimeOfDay == TimeSpan.Zero ? start : new DateTimeOffset(start.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var end = until.ToUniversalTime();
        var lastWholeEnd = new DateTimeOffset(end.UtcDateTime.Date, TimeSpan.Zero);
        if (firstWhole >= lastWholeEnd)
        {
            raw.Add((since, until));
            return (raw, null);
        }

        if (since < firstWhole)
        {
            raw.Add((since, firstWhole));
        }

        if (lastWholeEnd < until)
        {
            raw.Add((lastWholeEnd, until));
        }

        return (raw, (DateOnly.FromDateTime(firstWhole.UtcDateTime), DateOnly.FromDateTime(lastWholeEnd.UtcDateTime).AddDays(-1)));
    }

    /// <summary>
    /// A report over [<paramref name="since"/>, <paramref name="until"/>): <paramref name="raw"/> sums the raw log over a
    /// partial day, <paramref name="daily"/> reads the roll-ups of whole days (first and last included).
    /// </summary>
    public static async Task<IReadOnlyList<UsageGroup>> SummarizeAsync(
        DateTimeOffset since, DateTimeOffset until,
        Func<DateTimeOffset, DateTimeOffset, Task<IReadOnlyList<UsageGroup>>> raw, Func<DateOnly, DateOnly, Task<IReadOnlyList<UsageGroup>>> daily)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(daily);
        var (edges, whole) = Split(since, until);
        var groups = new List<UsageGroup>();
        foreach (var (from, to) in edges)
        {
            groups.AddRange(await raw(from, to));
        }

        if (whole is var (first, last))
        {
            groups.AddRange(await daily(first, last));
        }

        return Merge(groups);
    }

    /// <summary>Groups summed by day, key and model, in that order (the parts never share a day, but a store may split one).</summary>
    public static IReadOnlyList<UsageGroup> Merge(IEnumerable<UsageGroup> groups) =>
        [.. groups.GroupBy(g => (g.Date, g.KeyId, g.Model))
            .Select(g => new UsageGroup(
                g.Key.Date, g.Key.KeyId, g.Key.Model, g.Sum(x => x.Requests), g.Sum(x => x.Images), g.Sum(x => x.Texts), g.Sum(x => x.Credits),
                g.Sum(x => x.Refused), g.Sum(x => x.RefusedDecodeMilliseconds), g.Sum(x => x.StoredResponses), g.Sum(x => x.StoredBytes)))
            .OrderBy(g => g.Date, StringComparer.Ordinal).ThenBy(g => g.KeyId, StringComparer.Ordinal).ThenBy(g => g.Model, StringComparer.Ordinal)];
}
