using ClipGrains.Abstractions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// Loads the deployments kept by <see cref="ModelDeploymentOptions.MinCopies"/> after start-up (downloading them first
/// when they name a hub source); the others load on their first request. A kept model that cannot be loaded stops the
/// host with the reason in the log: the operator asked for it to be there.
/// </summary>
internal sealed partial class ModelLoaderService(
    SiloModels models, IOptions<ModelsOptions> options, IHostApplicationLifetime lifetime, ILogger<ModelLoaderService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var deployment in options.Value.Deployments.Where(d => d.MinCopies > 0))
        {
            try
            {
                await models.LoadAsync(deployment.Id).WaitAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, deployment.Id, e.Message);
                Environment.ExitCode = 1;
                lifetime.StopApplication();
                return;
            }
        }
    }

    [LoggerMessage(EventId = 13, Level = LogLevel.Critical, Message = "The model {Model} could not be loaded: {Reason}")]
    private static partial void LogFailed(ILogger logger, string model, string reason);
}
