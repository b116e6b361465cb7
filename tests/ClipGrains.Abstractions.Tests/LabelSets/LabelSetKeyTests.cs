using ClipGrains.Abstractions.LabelSets;

namespace ClipGrains.Abstractions.Tests.LabelSets;

public sealed class LabelSetKeyTests
{
    [Fact]
    public void Key_round_trips_tenant_and_name()
    {
        var key = LabelSetKey.Of("tenant-1", "imagenet.v2");

        Assert.Equal("tenant-1/imagenet.v2", key);
        Assert.Equal(("tenant-1", "imagenet.v2"), LabelSetKey.Parse(key));
    }

    [Theory]
    [InlineData("pets", true)]
    [InlineData("ImageNet-1k_v2.0", true)]
    [InlineData("9lives", true)]
    [InlineData("", false)]
    [InlineData("-leading-dash", false)]
    [InlineData("has space", false)]
    [InlineData("a/b", false)]
    [InlineData("../etc", false)]
    [InlineData(null, false)]
    public void Names_are_validated(string? name, bool valid) => Assert.Equal(valid, LabelSetKey.IsValidName(name));

    [Fact]
    public void Names_longer_than_64_characters_are_refused()
    {
        Assert.True(LabelSetKey.IsValidName(new string('a', 64)));
        Assert.False(LabelSetKey.IsValidName(new string('a', 65)));
    }

    [Fact]
    public void Same_content_compares_labels_and_templates_in_order_but_not_the_preset_name()
    {
        var a = new LabelSetDefinition(["cat", "dog"], ["a {}"], "single");

        Assert.True(a.SameContent(new LabelSetDefinition(["cat", "dog"], ["a {}"], null)));
        Assert.False(a.SameContent(new LabelSetDefinition(["dog", "cat"], ["a {}"], "single")));
        Assert.False(a.SameContent(new LabelSetDefinition(["cat", "dog"], ["the {}"], "single")));
    }
}
