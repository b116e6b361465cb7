using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tests.Inputs;

/// <summary>The bytes of fetched images a request, a tenant and the process may hold, and when they are given back.</summary>
public sealed class FetchBudgetTests
{
    private static FetchBudget Budget() =>
        new(Options.Create(new ImageUrlOptions { MaxBytesPerRequest = 50, MaxBytesInFlight = 100, MaxBytesInFlightPerTenant = 60 }));

    [Fact]
    public void A_request_past_its_own_cap_is_a_400_and_keeps_nothing_of_the_refused_bytes()
    {
        var budget = Budget();
        using var request = budget.ForRequest("a");
        request.Take(40, "input[0]");

        var refused = Assert.Throws<ApiException>(() => request.Take(11, "input[1]"));

        Assert.Equal((400, "images_too_large", "input[1]"), (refused.Status, refused.Code, refused.Param));
        Assert.Equal((40L, 40L), (request.Held, budget.Held));
    }

    [Fact]
    public void One_tenant_cannot_take_the_whole_process_budget_and_what_it_leaves_serves_another()
    {
        var budget = Budget();
        using var first = budget.ForRequest("a");
        using var second = budget.ForRequest("a");
        first.Take(40, "input[0]");

        var busy = Assert.Throws<ApiException>(() => second.Take(30, "input[0]"));
        using var other = budget.ForRequest("b");
        other.Take(50, "input[0]");

        Assert.Equal((503, "image_fetch_busy", TimeSpan.FromSeconds(1)), (busy.Status, busy.Code, busy.RetryAfter));
        Assert.Equal(90, budget.Held);
    }

    [Fact]
    public void Answered_requests_give_their_bytes_back()
    {
        var budget = Budget();
        using (var request = budget.ForRequest("a"))
        {
            request.Take(50, "input[0]");
        }

        using var next = budget.ForRequest("a");
        next.Take(50, "input[0]");
        Assert.Equal(50, budget.Held);
    }
}
