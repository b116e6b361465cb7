using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;

namespace ClipGrains.Gateway.Tests.Inputs;

public sealed class LabelValidationTests
{
    [Fact]
    public void Accepts_distinct_non_empty_labels_within_limits()
    {
        LabelValidation.Labels(["cat", "dog"], "labels", maxCount: 2, maxLength: 3);
        LabelValidation.Templates(["a {}.", "{}"], "templates", maxCount: 2, maxLength: 10);
    }

    [Theory]
    [InlineData(new[] { "cat", "" }, "labels[1]", "invalid_request")]
    [InlineData(new[] { "cat", "cat" }, "labels[1]", "duplicate_label")]
    [InlineData(new[] { "a", "b", "c" }, "labels", "too_many_labels")]
    [InlineData(new[] { "horse" }, "labels[0]", "invalid_request")]
    [InlineData(new string[0], "labels", "invalid_request")]
    public void Refuses_bad_labels(string[] labels, string param, string code)
    {
        var error = Assert.Throws<ApiException>(() => LabelValidation.Labels(labels, "labels", maxCount: 2, maxLength: 4));

        Assert.Equal((param, code), (error.Param, error.Code));
    }

    [Theory]
    [InlineData("no placeholder")]
    [InlineData("{} and {}")]
    public void Templates_need_exactly_one_placeholder(string template)
    {
        var error = Assert.Throws<ApiException>(() => LabelValidation.Templates(["{}", template], "templates", 5, 100));

        Assert.Equal(("templates[1]", "invalid_template"), (error.Param, error.Code));
    }
}
