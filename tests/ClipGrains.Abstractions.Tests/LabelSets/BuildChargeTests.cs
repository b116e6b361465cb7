using ClipGrains.Abstractions.LabelSets;

namespace ClipGrains.Abstractions.Tests.LabelSets;

public sealed class BuildChargeTests
{
    [Theory]
    [InlineData(8000, 8000, 0, 0)]
    [InlineData(8000, 8000, 256, 256)]
    [InlineData(8000, 8000, 8000, 8000)]
    [InlineData(100, 3, 1, 33)]
    [InlineData(100, 3, 2, 66)]
    [InlineData(100, 3, 3, 100)]
    [InlineData(long.MaxValue, 1000, 999, 9214148664817921031)]
    public void Credits_are_proportional_to_the_prompts_computed_rounded_down_and_whole_for_a_whole_build(long credits, int prompts, int computed, long expected)
    {
        Assert.Equal(expected, new BuildCharge("t", "r", credits, prompts).CreditsFor(computed));
    }
}
