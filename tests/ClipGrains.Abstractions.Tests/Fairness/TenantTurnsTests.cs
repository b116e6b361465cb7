using ClipGrains.Abstractions.Fairness;

namespace ClipGrains.Abstractions.Tests.Fairness;

public sealed class TenantTurnsTests
{
    private static List<string> Drain(TenantTurns<string> turns)
    {
        var taken = new List<string>();
        while (turns.TryDequeue(out var item))
        {
            taken.Add(item);
        }

        return taken;
    }

    [Fact]
    public void A_backlog_delays_another_tenant_by_one_item_not_by_the_backlog()
    {
        var turns = new TenantTurns<string>();
        for (var i = 0; i < 5; i++)
        {
            turns.Enqueue("flood", $"f{i}");
        }

        turns.Enqueue("b", "b0");
        turns.Enqueue("c", "c0");
        turns.Enqueue("b", "b1");

        Assert.Equal((8, 3, 5), (turns.Count, turns.Tenants, turns.CountOf("flood")));
        Assert.Equal(["f0", "b0", "c0", "f1", "b1", "f2", "f3", "f4"], Drain(turns));
        Assert.Equal((0, 0, 0), (turns.Count, turns.Tenants, turns.CountOf("flood")));
    }

    [Fact]
    public void A_tenant_that_is_not_eligible_is_passed_over_and_keeps_its_place()
    {
        var turns = new TenantTurns<string>();
        turns.Enqueue("a", "a0");
        turns.Enqueue("b", "b0");
        turns.Enqueue("a", "a1");

        Assert.True(turns.TryDequeue(t => t != "a", out var tenant, out var item));
        Assert.Equal(("b", "b0"), (tenant, item));
        Assert.False(turns.TryDequeue(t => t != "a", out _, out _));
        Assert.Equal(["a0", "a1"], Drain(turns));
    }

    [Fact]
    public void A_waiter_that_gives_up_is_removed_and_its_tenant_leaves_the_turns_when_nothing_else_waits()
    {
        var turns = new TenantTurns<string>();
        turns.Enqueue("a", "a0");
        turns.Enqueue("a", "a1");
        turns.Enqueue("b", "b0");

        Assert.True(turns.Remove("a", "a0"));
        Assert.False(turns.Remove("a", "a0"));
        Assert.False(turns.Remove("c", "c0"));
        Assert.True(turns.Remove("b", "b0"));

        Assert.Equal((1, 1), (turns.Count, turns.Tenants));
        Assert.Equal(["a1"], Drain(turns));
    }
}
