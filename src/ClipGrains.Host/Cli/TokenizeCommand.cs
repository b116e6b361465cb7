using System.CommandLine;
using ClipGrains.Inference;

namespace ClipGrains.Host.Cli;

/// <summary><c>clipgrains tokenize --model M TEXT</c> → <c>{"input_ids":[…77],"attention_mask":[…77]}</c>.</summary>
internal static class TokenizeCommand
{
    public static Command Create(CliContext context)
    {
        var model = new ModelOptions();
        var text = new Argument<string>("text") { Description = "The prompt to tokenize" };
        var command = new Command("tokenize", "Print CLIP token ids and attention mask, padded to the context length") { text };
        model.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var bundle = await new ModelResolver(context, model).BundleAsync(parse, cancellationToken);
            var tokens = ClipModel.LoadTokenizer(bundle).Encode(parse.GetValue(text)!);
            await JsonOutput.WriteAsync(context.Out, new { input_ids = tokens.InputIds, attention_mask = tokens.AttentionMask() });
        });
        return command;
    }
}
