using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Gateway.Tests.Tenancy;

public sealed class UsageRangeTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));

    private static UsageRange Of(string query, int? days = null)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        return UsageRange.Of(context.Request, Clock, days);
    }

    [Fact]
    public void Dates_are_whole_utc_days_with_to_included_and_the_default_is_the_last_30_days()
    {
        Assert.Equal(
            (new DateTimeOffset(2026, 10, 4, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero)),
            (Of("?to=2026-11-01").From, Of("?to=2026-11-01").To));
        Assert.Equal((new DateTimeOffset(2026, 11, 4, 0, 0, 0, TimeSpan.Zero), Clock.GetUtcNow()), (Of("").From, Of("").To));
    }

    [Theory]
    [InlineData("?to=9999-12-31", "to")]
    [InlineData("?to=0001-01-01", "to")]
    [InlineData("?from=0001-01-01", "from")]
    [InlineData("?from=9999-12-31&to=9999-12-31", "to")]
    [InlineData("?to=9999-12-31T23:59:59Z", "to")]
    [InlineData("?from=0001-01-01T00:00:00Z", "from")]
    [InlineData("?to=1969-12-31", "to")]
    public void A_date_outside_the_years_a_log_can_hold_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var error = Assert.Throws<ApiException>(() => Of(query));

        Assert.Equal((400, parameter), (error.Status, error.Param));
        Assert.Contains("between 1970-01-01 and 8999-12-31", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_and_last_accepted_days_are_served()
    {
        Assert.Equal(new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero), Of("?from=1970-01-01&to=1970-01-31").From);
        Assert.Equal(new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero), Of("?from=8999-12-01&to=8999-12-31").To);
    }
}
