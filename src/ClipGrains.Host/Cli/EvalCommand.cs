using System.CommandLine;
using System.Text.Json;
using ClipGrains.Inference.Imaging;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains eval --model M --label-set L.json --images DIR</c>: zero-shot top-1/top-5 accuracy over a folder of
/// class-named subfolders, so a user with real weights can compare model variants (fp32, int8, …) on their own data.
/// The label-set file is <c>{"labels":[…],"templates":[…]}</c> (the format of ../shared/labelsets); a subfolder's
/// name must be one of the labels.
/// </summary>
internal static class EvalCommand
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"];

    public static Command Create(CliContext context)
    {
        var model = new ModelOptions();
        var labelSet = new Option<string>("--label-set") { Description = "JSON file with \"labels\" and \"templates\"", Required = true };
        var images = new Option<string>("--images") { Description = "Folder of subfolders named after labels", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "Images per inference batch", DefaultValueFactory = _ => 16 };
        var command = new Command("eval", "Zero-shot top-1/top-5 accuracy of a model on a folder of labelled images") { labelSet, images, batch };
        model.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (labels, templates) = await ReadLabelSetAsync(parse.GetValue(labelSet)!, cancellationToken);
            var samples = Samples(parse.GetValue(images)!, labels);
            using var clip = await new ModelResolver(context, model).ModelAsync(parse, cancellationToken);
            await context.Error.WriteLineAsync($"embedding {labels.Count} labels × {templates.Count} templates…");
            var embeddings = clip.EmbedLabels(labels, templates, cancellationToken: cancellationToken);
            int top1 = 0, top5 = 0, done = 0;
            var size = Math.Max(1, parse.GetValue(batch));
            foreach (var chunk in samples.Chunk(size))
            {
                var decoded = chunk.Select(s => ImageDecoder.Decode(File.ReadAllBytes(s.Path))).ToList();
                var vectors = clip.EncodeImages(decoded);
                for (var i = 0; i < chunk.Length; i++)
                {
                    var ranked = clip.Classify(vectors[i], embeddings, topK: 5);
                    top1 += ranked[0].Label == chunk[i].Label ? 1 : 0;
                    top5 += ranked.Any(r => r.Label == chunk[i].Label) ? 1 : 0;
                }

                done += chunk.Length;
                await context.Error.WriteLineAsync($"  {done}/{samples.Count} images");
            }

            await JsonOutput.WriteAsync(context.Out, new
            {
                images = samples.Count,
                labels = labels.Count,
                templates = templates.Count,
                top1 = samples.Count == 0 ? 0 : (double)top1 / samples.Count,
                top5 = samples.Count == 0 ? 0 : (double)top5 / samples.Count,
            });
        });
        return command;
    }

    private static async Task<(List<string> Labels, List<string> Templates)> ReadLabelSetAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: label-set file not found.", path);
        }

        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken));
            var labels = document.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToList();
            var templates = document.RootElement.TryGetProperty("templates", out var t)
                ? t.EnumerateArray().Select(x => x.GetString()!).ToList()
                : ["a photo of a {}."];
            if (labels.Count == 0 || templates.Count == 0 || templates.Any(x => !x.Contains("{}", StringComparison.Ordinal)))
            {
                throw new CliUsageException($"{path}: needs a non-empty \"labels\" array and templates with {{}}.");
            }

            return (labels, templates);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CliUsageException($"{path}: expected {{\"labels\": [...], \"templates\": [...]}} ({e.Message}).");
        }
    }

    private static List<(string Path, string Label)> Samples(string folder, List<string> labels)
    {
        if (!Directory.Exists(folder))
        {
            throw new CliUsageException($"{folder}: images folder not found.");
        }

        var known = labels.ToHashSet(StringComparer.Ordinal);
        var samples = new List<(string, string)>();
        foreach (var directory in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var label = Path.GetFileName(directory);
            if (!known.Contains(label))
            {
                throw new CliUsageException($"{directory}: folder name \"{label}\" is not one of the label set's labels.");
            }

            samples.AddRange(Directory.GetFiles(directory).Order(StringComparer.Ordinal)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Select(f => (f, label)));
        }

        return samples;
    }
}
