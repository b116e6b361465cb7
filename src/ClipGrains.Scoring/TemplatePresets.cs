namespace ClipGrains.Scoring;

/// <summary>
/// Named prompt-template sets from the CLIP paper (openai/CLIP, MIT licence): <c>single</c>, the 7 templates
/// the authors selected for ImageNet (<c>openai-7</c>), and all 80 ImageNet templates (<c>openai-80</c>).
/// </summary>
public static class TemplatePresets
{
    /// <summary>One plain template.</summary>
    public static readonly IReadOnlyList<string> OneTemplate = ["a photo of a {}."];

    /// <summary>The subset of 7 that the CLIP authors found best on ImageNet.</summary>
    public static readonly IReadOnlyList<string> OpenAi7 =
    [
        "itap of a {}.", "a bad photo of the {}.", "a origami {}.", "a photo of the large {}.",
        "a {} in a video game.", "art of the {}.", "a photo of the small {}.",
    ];

    /// <summary>The 80 ImageNet templates of the CLIP paper.</summary>
    public static readonly IReadOnlyList<string> OpenAi80 =
    [
        "a bad photo of a {}.", "a photo of many {}.", "a sculpture of a {}.", "a photo of the hard to see {}.",
        "a low resolution photo of the {}.", "a rendering of a {}.", "graffiti of a {}.", "a bad photo of the {}.",
        "a cropped photo of the {}.", "a tattoo of a {}.", "the embroidered {}.", "a photo of a hard to see {}.",
        "a bright photo of a {}.", "a photo of a clean {}.", "a photo of a dirty {}.", "a dark photo of the {}.",
        "a drawing of a {}.", "a photo of my {}.", "the plastic {}.", "a photo of the cool {}.",
        "a close-up photo of a {}.", "a black and white photo of the {}.", "a painting of the {}.", "a painting of a {}.",
        "a pixelated photo of the {}.", "a sculpture of the {}.", "a bright photo of the {}.", "a cropped photo of a {}.",
        "a plastic {}.", "a photo of the dirty {}.", "a jpeg corrupted photo of a {}.", "a blurry photo of the {}.",
        "a photo of the {}.", "a good photo of the {}.", "a rendering of the {}.", "a {} in a video game.",
        "a photo of one {}.", "a doodle of a {}.", "a close-up photo of the {}.", "a photo of a {}.",
        "the origami {}.", "the {} in a video game.", "a sketch of a {}.", "a doodle of the {}.",
        "a origami {}.", "a low resolution photo of a {}.", "the toy {}.", "a rendition of the {}.",
        "a photo of the clean {}.", "a photo of a large {}.", "a rendition of a {}.", "a photo of a nice {}.",
        "a photo of a weird {}.", "a blurry photo of a {}.", "a cartoon {}.", "art of a {}.",
        "a sketch of the {}.", "a embroidered {}.", "a pixelated photo of a {}.", "itap of the {}.",
        "a jpeg corrupted photo of the {}.", "a good photo of a {}.", "a plushie {}.", "a photo of the nice {}.",
        "a photo of the small {}.", "a photo of the weird {}.", "the cartoon {}.", "art of the {}.",
        "a drawing of the {}.", "a photo of the large {}.", "a black and white photo of a {}.", "the plushie {}.",
        "a dark photo of a {}.", "itap of a {}.", "graffiti of the {}.", "a toy {}.",
        "itap of my {}.", "a photo of a cool {}.", "a photo of a small {}.", "a tattoo of the {}.",
    ];

    /// <summary>Preset names accepted by the API.</summary>
    public static IReadOnlyList<string> Names { get; } = ["single", "openai-7", "openai-80"];

    /// <summary>The templates of preset <paramref name="name"/>, or null for an unknown name.</summary>
    public static IReadOnlyList<string>? Find(string name) => name switch
    {
        "single" => OneTemplate,
        "openai-7" => OpenAi7,
        "openai-80" => OpenAi80,
        _ => null,
    };
}
