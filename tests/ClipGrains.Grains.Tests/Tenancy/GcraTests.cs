using ClipGrains.Grains.Tenancy;

namespace ClipGrains.Grains.Tests.Tenancy;

public sealed class GcraTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // 6 per minute: one unit every 10 s, a full minute's allowance usable as a burst.
    // Each row: seconds since T0, units, allowed, remaining, reset (s), retry-after (s, or -1 for none).
    // Rows run in order against one TAT, like redis-cell's it_rate_limits table.
    [Fact]
    public void Follows_the_table()
    {
        var gcra = new Gcra(6, TimeSpan.FromMinutes(1));
        (double At, int Units, bool Allowed, int Remaining, double Reset, double Retry)[] table =
        [
            (0, 1, true, 5, 10, -1),
            (0, 1, true, 4, 20, -1),
            (0, 3, true, 1, 50, -1),
            (0, 1, true, 0, 60, -1),
            (0, 1, false, 0, 60, 10),
            (5, 1, false, 0, 55, 5),
            (10, 1, true, 0, 60, -1),
            (30, 0, true, 2, 40, -1),
            (30, 3, false, 2, 40, 10),
            (100, 6, true, 0, 60, -1),
            (100, 7, false, 0, 60, -1),
            (200, 2, true, 4, 20, -1),
        ];
        var tat = T0;
        foreach (var row in table)
        {
            var now = T0.AddSeconds(row.At);

            var decision = gcra.Decide(tat, now, row.Units);

            Assert.True(row.Allowed == decision.Allowed, $"at {row.At}s × {row.Units}: allowed {decision.Allowed}");
            Assert.Equal(row.Remaining, decision.Remaining);
            Assert.Equal(TimeSpan.FromSeconds(row.Reset), decision.Reset);
            Assert.Equal(row.Retry < 0 ? null : TimeSpan.FromSeconds(row.Retry), decision.RetryAfter);
            if (decision.Allowed)
            {
                tat = decision.Tat;
            }
        }
    }

    [Fact]
    public void A_request_larger_than_the_limit_can_never_pass()
    {
        var decision = new Gcra(5, TimeSpan.FromMinutes(1)).Decide(T0, T0, 6);

        Assert.False(decision.Allowed);
        Assert.Null(decision.RetryAfter);
    }
}
