using System.CommandLine;
using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Model;

namespace ClipGrains.Host.Cli;

/// <summary>
/// The <c>clipgrains</c> command line. Results are JSON on stdout; any failure is one line on stderr and a
/// non-zero exit code (<see cref="CliExitCode"/>), never a stack trace.
/// </summary>
internal static class CliApplication
{
    public static RootCommand CreateRoot(CliContext context) => new("ClipGrains: CLIP ViT-B/32 zero-shot classification and embeddings")
    {
        TokenizeCommand.Create(context),
        PreprocessCommand.Create(context),
        EmbedCommand.Create(context),
        ClassifyCommand.Create(context),
        BenchCommand.Create(context),
        StressCommand.Create(context),
        AdminCommand.Create(context),
        CollectionsCommand.Create(context),
        EvalCommand.Create(context),
        DbCommand.Create(context),
        QuantizeCommand.Create(context),
    };

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var parse = CreateRoot(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            var messages = string.Join("; ", parse.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal));
            await context.Error.WriteLineAsync($"error: {messages} (see 'clipgrains --help')");
            return CliExitCode.Usage;
        }

        try
        {
            var configuration = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (CliUsageException e)
        {
            return await FailAsync(context, e.Message, CliExitCode.Usage);
        }
        catch (Client.ClipGrainsApiException e)
        {
            return await FailAsync(context, $"HTTP {e.Status}: {e.Message}", CliExitCode.BadInput);
        }
        catch (Exception e) when (e is ModelLoadException or ImageDecodeException or FileNotFoundException or HttpRequestException
            or ArgumentException or IOException or InvalidDataException)
        {
            return await FailAsync(context, e.Message, CliExitCode.BadInput);
        }
        catch (OperationCanceledException)
        {
            return await FailAsync(context, "cancelled.", CliExitCode.BadInput);
        }
#pragma warning disable CA1031 // The last line of defence: a bug still ends in one line and a distinct exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return await FailAsync(context, $"internal error ({e.GetType().Name}): {e.Message}", CliExitCode.InternalError);
        }
    }

    private static async Task<int> FailAsync(CliContext context, string message, int code)
    {
        await context.Error.WriteLineAsync("error: " + message.ReplaceLineEndings(" "));
        return code;
    }
}
