using System.CommandLine;
using ClipGrains.Inference;
using ClipGrains.Inference.Hub;
using ClipGrains.Inference.Model;
using Spectre.Console;

namespace ClipGrains.Host.Cli;

/// <summary>Resolves <c>--model</c> to a bundle, downloading from the hub with a progress bar on stderr.</summary>
internal sealed class ModelResolver(CliContext context, ModelOptions options)
{
    public async Task<ModelBundle> BundleAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var modelOptions = Options(parse);
        var folder = string.IsNullOrEmpty(modelOptions.Path)
            ? await DownloadAsync(modelOptions, cancellationToken)
            : modelOptions.Path;
        return ModelBundle.Open(folder, modelOptions.Variant);
    }

    public async Task<ClipModel> ModelAsync(ParseResult parse, CancellationToken cancellationToken) =>
        ClipModel.Load(await BundleAsync(parse, cancellationToken), Options(parse));

    private ClipModelOptions Options(ParseResult parse)
    {
        var result = ModelLocator.FromArgument(parse.GetValue(options.Model)!, parse.GetValue(options.Variant), parse.GetValue(options.CacheDirectory));
        result.IntraOpThreads = parse.GetValue(options.Threads);
        return result;
    }

    private async Task<string> DownloadAsync(ClipModelOptions modelOptions, CancellationToken cancellationToken)
    {
        using var http = context.HttpHandler is null ? new HttpClient() : new HttpClient(context.HttpHandler, disposeHandler: false);
        var downloader = new HubDownloader(http, context.Hub);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
        if (!console.Profile.Capabilities.Interactive)
        {
            // Not a terminal (a pipe, CI, a test): no redrawing bar, only the result or the error.
            return await ModelLocator.ResolveAsync(modelOptions, downloader, null, cancellationToken);
        }

        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async progressContext =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new Progress<DownloadProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.File, out var task))
                    {
                        tasks[p.File] = task = progressContext.AddTask(Markup.Escape(p.File), maxValue: p.Total ?? 1);
                    }

                    task.MaxValue = p.Total ?? Math.Max(p.Received, 1);
                    task.Value = p.Received;
                });
                return await ModelLocator.ResolveAsync(modelOptions, downloader, progress, cancellationToken);
            });
    }
}
