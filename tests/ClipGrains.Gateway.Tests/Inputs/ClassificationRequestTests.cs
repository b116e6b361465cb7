using ClipGrains.Gateway.Inputs;

namespace ClipGrains.Gateway.Tests.Inputs;

public sealed class ClassificationRequestTests
{
    private static ClassificationRequest With(string[] labels, string[] templates) =>
        new("clip-vit-base-patch32", [new ApiInput(null, [1, 2, 3], "input[0]")], labels, templates, null, null);

    [Fact]
    public void Labels_containing_the_old_separator_do_not_collide_with_split_labels()
    {
        Assert.NotEqual(With(["cat\u001fdog"], ["{}"]).Canonical(), With(["cat", "dog"], ["{}"]).Canonical());
        Assert.NotEqual(With(["a"], ["x\u001fy"]).Canonical(), With(["a"], ["x", "y"]).Canonical());
        Assert.NotEqual(With(["a\nb"], ["{}"]).Canonical(), With(["a", "b"], ["{}"]).Canonical());
    }

    [Fact]
    public void The_same_request_has_the_same_fingerprint_text()
    {
        Assert.Equal(With(["cat", "dog"], ["a photo of a {}."]).Canonical(), With(["cat", "dog"], ["a photo of a {}."]).Canonical());
    }
}
