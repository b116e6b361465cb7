using System.CommandLine;
using ClipGrains.Scoring;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains classify --model M --image PATH --labels "a,b,c" [--template "This is a photo of {}."]</c> →
/// <c>{"labels":[{"label","score","cosine"},…]}</c>, best first.
/// </summary>
internal static class ClassifyCommand
{
    public static Command Create(CliContext context)
    {
        var model = new ModelOptions();
        var image = new Option<string>("--image") { Description = "Image file to classify", Required = true };
        var labels = new Option<string>("--labels") { Description = "Comma-separated candidate labels", Required = true };
        var template = new Option<string[]>("--template")
        {
            Description = "Prompt template with {}; repeat for an ensemble (default: \"" + PromptTemplate.PipelineDefault + "\")",
            AllowMultipleArgumentsPerToken = false,
        };
        var topK = new Option<int?>("--top-k") { Description = "Print only the best K labels" };
        var command = new Command("classify", "Zero-shot classify one image against candidate labels") { image, labels, template, topK };
        model.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var candidates = parse.GetValue(labels)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (candidates.Length == 0)
            {
                throw new CliUsageException("--labels needs at least one non-empty label, e.g. --labels \"cat,dog\".");
            }

            if (candidates.Distinct(StringComparer.Ordinal).Count() != candidates.Length)
            {
                throw new CliUsageException("--labels has a label twice; each label must be distinct.");
            }

            var templates = parse.GetValue(template) is { Length: > 0 } given ? given : [PromptTemplate.PipelineDefault];
            foreach (var t in templates)
            {
                if (!t.Contains("{}", StringComparison.Ordinal))
                {
                    throw new CliUsageException($"--template \"{t}\" has no {{}} placeholder for the label.");
                }
            }

            var k = parse.GetValue(topK) ?? int.MaxValue;
            if (k <= 0)
            {
                throw new CliUsageException("--top-k must be at least 1.");
            }

            var bytes = await ImageFile.ReadAsync(parse.GetValue(image)!, cancellationToken);
            using var clip = await new ModelResolver(context, model).ModelAsync(parse, cancellationToken);
            var labelEmbeddings = clip.EmbedLabels(candidates, templates, cancellationToken: cancellationToken);
            var scores = clip.Classify(clip.EncodeImages([bytes])[0], labelEmbeddings, k);
            await JsonOutput.WriteAsync(context.Out, new { labels = scores.Select(s => new { label = s.Label, score = s.Score, cosine = s.Cosine }) });
        });
        return command;
    }
}
