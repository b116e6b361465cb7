using System.CommandLine;

namespace ClipGrains.Host.Cli;

/// <summary><c>clipgrains embed --model M (--image PATH | --text TEXT)</c> → <c>{"embedding":[…]}</c>, unit length.</summary>
internal static class EmbedCommand
{
    public static Command Create(CliContext context)
    {
        var model = new ModelOptions();
        var image = new Option<string?>("--image") { Description = "Image file to embed" };
        var text = new Option<string?>("--text") { Description = "Text to embed" };
        var command = new Command("embed", "Print the unit-length CLIP embedding of one image or one text") { image, text };
        model.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (imagePath, prompt) = (parse.GetValue(image), parse.GetValue(text));
            if ((imagePath is null) == (prompt is null))
            {
                throw new CliUsageException("Give exactly one of --image or --text.");
            }

            var bytes = imagePath is null ? null : await ImageFile.ReadAsync(imagePath, cancellationToken);
            using var clip = await new ModelResolver(context, model).ModelAsync(parse, cancellationToken);
            var embedding = bytes is null ? clip.EncodeTexts([prompt!])[0] : clip.EncodeImages([bytes])[0];
            await JsonOutput.WriteAsync(context.Out, new { embedding });
        });
        return command;
    }
}
