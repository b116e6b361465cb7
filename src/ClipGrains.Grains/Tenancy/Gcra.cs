namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// The generic cell rate algorithm for one limit of <c>limit</c> units per <c>period</c>: it keeps a single
/// "theoretical arrival time" (TAT). Taking n units moves the TAT n emission intervals (period / limit) past
/// max(TAT, now); the request fits while the TAT stays within one period of now, so a full period's allowance
/// may be spent in one burst and refills continuously. Pure: deciding does not change state, so two limits can
/// be checked first and committed together.
/// </summary>
internal readonly record struct Gcra(int Limit, TimeSpan Period)
{
    private TimeSpan Interval => Period / Limit;

    /// <summary>Whether <paramref name="units"/> fit at <paramref name="now"/> given <paramref name="tat"/>, and the state after taking them.</summary>
    public Decision Decide(DateTimeOffset tat, DateTimeOffset now, int units)
    {
        var start = tat > now ? tat : now;
        var newTat = start + (Interval * units);
        var ahead = newTat - now;
        if (ahead > Period)
        {
            var retry = units > Limit ? (TimeSpan?)null : ahead - Period;
            return new Decision(false, tat, Remaining(tat, now), Reset(tat, now), retry);
        }

        return new Decision(true, newTat, Remaining(newTat, now), ahead, null);
    }

    private int Remaining(DateTimeOffset tat, DateTimeOffset now)
    {
        var used = tat > now ? tat - now : TimeSpan.Zero;
        return (int)Math.Floor((Period - used) / Interval);
    }

    private static TimeSpan Reset(DateTimeOffset tat, DateTimeOffset now) => tat > now ? tat - now : TimeSpan.Zero;

    /// <summary>The outcome of one decision.</summary>
    /// <param name="Allowed">Whether the units fit.</param>
    /// <param name="Tat">TAT to store when committing (unchanged when refused).</param>
    /// <param name="Remaining">Units that would fit now, after this decision.</param>
    /// <param name="Reset">Until the allowance is full again.</param>
    /// <param name="RetryAfter">When the refused units would fit; null if they never can (more than the limit).</param>
    public readonly record struct Decision(bool Allowed, DateTimeOffset Tat, int Remaining, TimeSpan Reset, TimeSpan? RetryAfter);
}
