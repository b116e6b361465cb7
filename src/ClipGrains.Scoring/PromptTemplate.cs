namespace ClipGrains.Scoring;

/// <summary>Prompt templates with a <c>{}</c> placeholder, as in the CLIP paper and Hugging Face's pipeline.</summary>
public static class PromptTemplate
{
    /// <summary>The zero-shot pipeline's default template in transformers.</summary>
    public const string PipelineDefault = "This is a photo of {}.";

    /// <summary>Substitutes <paramref name="label"/> for the placeholder, like Python's <c>template.format(label)</c>.</summary>
    public static string Apply(string template, string label)
    {
        Validate(template);
        ArgumentNullException.ThrowIfNull(label);
        return template.Replace("{}", label, StringComparison.Ordinal);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the template has exactly one <c>{}</c>.</summary>
    public static void Validate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var first = template.IndexOf("{}", StringComparison.Ordinal);
        if (first < 0 || template.IndexOf("{}", first + 2, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException($"Template \"{template}\" must contain the placeholder {{}} exactly once.", nameof(template));
        }
    }
}
