using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>Checks labels and templates before any work is done.</summary>
internal static class LabelValidation
{
    public static void Labels(IReadOnlyList<string>? labels, string param, int maxCount, int maxLength)
    {
        if (labels is null || labels.Count == 0)
        {
            throw ApiException.BadRequest($"'{param}' needs at least one label.", param);
        }

        if (labels.Count > maxCount)
        {
            throw ApiException.BadRequest($"'{param}' has {labels.Count} labels; at most {maxCount} are accepted.", param, "too_many_labels");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(labels[i]))
            {
                throw ApiException.BadRequest("Labels must not be empty.", $"{param}[{i}]");
            }

            if (labels[i].Length > maxLength)
            {
                throw ApiException.BadRequest($"A label may have at most {maxLength} characters.", $"{param}[{i}]");
            }

            if (!seen.Add(labels[i]))
            {
                throw ApiException.BadRequest($"The label \"{labels[i]}\" appears twice; labels must be distinct.", $"{param}[{i}]", "duplicate_label");
            }
        }
    }

    public static void Templates(IReadOnlyList<string> templates, string param, int maxCount, int maxLength)
    {
        if (templates.Count == 0)
        {
            throw ApiException.BadRequest($"'{param}' needs at least one template.", param);
        }

        if (templates.Count > maxCount)
        {
            throw ApiException.BadRequest($"'{param}' has {templates.Count} templates; at most {maxCount} are accepted.", param);
        }

        for (var i = 0; i < templates.Count; i++)
        {
            var t = templates[i];
            var first = t.IndexOf("{}", StringComparison.Ordinal);
            if (first < 0 || t.IndexOf("{}", first + 2, StringComparison.Ordinal) >= 0)
            {
                throw ApiException.BadRequest($"The template \"{t}\" must contain the placeholder {{}} exactly once.", templates.Count == 1 && param == "hypothesis_template" ? param : $"{param}[{i}]", "invalid_template");
            }

            if (t.Length > maxLength)
            {
                throw ApiException.BadRequest($"A template may have at most {maxLength} characters.", $"{param}[{i}]");
            }
        }
    }
}
