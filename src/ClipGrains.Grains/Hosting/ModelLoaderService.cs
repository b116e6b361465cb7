using ClipGrains.Inference;
using ClipGrains.Inference.Hub;
using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Hosting;

/// <summary>
/// Loads the model into <see cref="ModelHost"/> after start-up (downloading it first when a hub id is
/// configured), so the process answers health probes while it loads and reports ready only afterwards.
/// A model that cannot be loaded stops the host with the reason in the log.
/// </summary>
internal sealed partial class ModelLoaderService(
    ModelHost host, IOptions<ClipModelOptions> options, IHostApplicationLifetime lifetime, ILogger<ModelLoaderService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var http = new HttpClient();
            var folder = await ModelLocator.ResolveAsync(options.Value, new HubDownloader(http, HubOptions.FromEnvironment()), null, stoppingToken);
            var model = await Task.Run(() => ClipModel.Load(ModelBundle.Open(folder, options.Value.Variant), options.Value), stoppingToken);
            host.Attach(model);
            LogLoaded(logger, folder, options.Value.Variant.Length == 0 ? "fp32" : options.Value.Variant, model.Dimension, ImageDecoder.JpegDecoder);
        }
        catch (Exception e) when (e is ModelLoadException or HttpRequestException or IOException or ArgumentException)
        {
            LogFailed(logger, e.Message);
            host.LoadFailed(e);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Model loaded from {Folder} ({Variant}, {Dimension}-d embeddings); JPEG decoder: {JpegDecoder}")]
    private static partial void LogLoaded(ILogger logger, string folder, string variant, int dimension, string jpegDecoder);

    [LoggerMessage(EventId = 11, Level = LogLevel.Critical, Message = "The model could not be loaded: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
