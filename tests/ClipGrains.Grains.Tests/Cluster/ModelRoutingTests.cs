using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Cluster;

namespace ClipGrains.Grains.Tests.Cluster;

/// <summary>Where a model's work goes, from the silos' snapshots.</summary>
public sealed class ModelRoutingTests
{
    private const int Deep = 16;

    private static (string, SiloSnapshot) Silo(string name, int load, params (string Model, bool Loaded, bool Loading)[] models) =>
        (name, new SiloSnapshot(load, [.. models.Select(m => new ModelCopyState(m.Model, m.Loaded, m.Loading))]));

    [Fact]
    public void A_silo_holding_the_model_gets_the_work_even_when_another_is_idle()
    {
        var silos = new[] { Silo("here", 0), Silo("there", 5, ("m", true, false)) };

        Assert.Equal("there", ModelRouting.Choose("m", silos, "here", maxCopies: 0, Deep));
    }

    [Fact]
    public void This_silo_serves_without_a_hop_when_it_holds_the_model_and_its_queue_is_not_deep()
    {
        var silos = new[] { Silo("here", 10, ("m", true, false)), Silo("there", 0, ("m", true, false)) };

        Assert.Equal("here", ModelRouting.Choose("m", silos, "here", maxCopies: 0, Deep));
    }

    [Theory]
    [InlineData(true, 15, true)]
    [InlineData(true, 16, false)]
    [InlineData(false, 0, false)]
    public void This_silo_alone_decides_when_it_holds_the_model_below_a_deep_queue(bool holds, int load, bool expected)
    {
        var (_, here) = Silo("here", load, ("m", holds, false));

        Assert.Equal(expected, ModelRouting.ServesLocally("m", here, Deep));
    }

    [Fact]
    public void The_least_loaded_holder_wins_when_this_silo_does_not_hold_it()
    {
        var silos = new[] { Silo("here", 0), Silo("a", 7, ("m", true, false)), Silo("b", 3, ("m", true, false)) };

        Assert.Equal("b", ModelRouting.Choose("m", silos, "here", maxCopies: 0, Deep));
    }

    [Fact]
    public void A_deep_queue_on_every_holder_loads_another_copy_on_the_least_loaded_silo_without_one_up_to_max_copies()
    {
        var silos = new[] { Silo("a", 40, ("m", true, false)), Silo("b", 2), Silo("c", 1) };

        Assert.Equal("c", ModelRouting.Choose("m", silos, "a", maxCopies: 0, Deep));
        Assert.Equal("c", ModelRouting.Choose("m", silos, "a", maxCopies: 2, Deep));
        Assert.Equal("a", ModelRouting.Choose("m", silos, "a", maxCopies: 1, Deep));
        Assert.Equal("a", ModelRouting.Choose("m", silos, "a", maxCopies: 0, deepQueue: 64));
    }

    [Fact]
    public void A_copy_being_loaded_counts_against_max_copies_and_takes_work_for_a_cold_model()
    {
        var busy = new[] { Silo("a", 40, ("m", true, false)), Silo("b", 0, ("m", false, true)), Silo("c", 0) };
        var cold = new[] { Silo("a", 0), Silo("b", 3, ("m", false, true)) };

        Assert.Equal("a", ModelRouting.Choose("m", busy, "a", maxCopies: 2, Deep));
        Assert.Equal("b", ModelRouting.Choose("m", cold, "a", maxCopies: 0, Deep));
    }

    [Fact]
    public void A_cold_model_goes_to_the_least_loaded_silo_ties_to_this_one()
    {
        Assert.Equal("b", ModelRouting.Choose("m", [Silo("a", 4), Silo("b", 1)], "a", maxCopies: 0, Deep));
        Assert.Equal("a", ModelRouting.Choose("m", [Silo("b", 1), Silo("a", 1)], "a", maxCopies: 0, Deep));
        Assert.Null(ModelRouting.Choose("m", [], "a", maxCopies: 0, Deep));
    }

    [Fact]
    public void A_large_request_spreads_over_the_holders_least_loaded_first()
    {
        var silos = new[] { Silo("a", 3, ("m", true, false)), Silo("b", 1, ("m", true, false)), Silo("c", 0) };

        Assert.Equal(["b", "a"], ModelRouting.Spread("m", silos, "a", maxCopies: 0, Deep));
        Assert.Equal(["c"], ModelRouting.Spread("cold", silos, "a", maxCopies: 0, Deep));
    }
}
