using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Scoring.Tests;

public sealed class TemplatePresetsTests
{
    [SkippableFact]
    public void OpenAi80_is_the_imagenet_template_list_of_the_clip_repository()
    {
        var path = Path.Combine(GoldenData.Root, "..", "labelsets", "imagenet.json");
        Skip.IfNot(File.Exists(path), $"{path} not found");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));

        var expected = document.RootElement.GetProperty("templates").EnumerateArray().Select(t => t.GetString()!).ToList();

        Assert.Equal(expected, TemplatePresets.OpenAi80);
    }

    [Fact]
    public void OpenAi7_is_a_subset_of_OpenAi80()
    {
        Assert.Equal(7, TemplatePresets.OpenAi7.Count);
        Assert.All(TemplatePresets.OpenAi7, t => Assert.Contains(t, TemplatePresets.OpenAi80));
    }

    [Theory]
    [InlineData("single", 1)]
    [InlineData("openai-7", 7)]
    [InlineData("openai-80", 80)]
    public void Presets_are_found_by_name(string name, int count) => Assert.Equal(count, TemplatePresets.Find(name)!.Count);

    [Fact]
    public void Unknown_preset_is_null() => Assert.Null(TemplatePresets.Find("openai-81"));

    [Fact]
    public void Every_preset_template_has_one_placeholder()
    {
        foreach (var template in TemplatePresets.OpenAi80.Concat(TemplatePresets.OneTemplate))
        {
            PromptTemplate.Validate(template);
        }
    }
}
