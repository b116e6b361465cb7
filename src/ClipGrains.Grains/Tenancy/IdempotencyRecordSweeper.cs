using ClipGrains.Grains.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// Deletes idempotency records past their retention (plus the longest lease, so no claim still in use goes), every
/// <see cref="TenancyOptions.IdempotencySweepInterval"/>. Every silo sweeps; the deletes are idempotent.
/// </summary>
internal sealed partial class IdempotencyRecordSweeper(
    IStateExpiry expiry, IOptions<TenancyOptions> options, TimeProvider time, ILogger<IdempotencyRecordSweeper> logger) : BackgroundService
{
    /// <summary>The state name the idempotency grain persists under.</summary>
    public const string StateName = "idempotency";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed sweep (storage down) is retried at the next interval; it must not stop the silo.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogSweepFailed(logger, e);
            }

            await Task.Delay(options.Value.IdempotencySweepInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One sweep; returns the records deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow() - options.Value.IdempotencyRetention - options.Value.ReservationTimeout;
        var deleted = await expiry.DeleteWrittenBeforeAsync(StateName, cutoff, cancellationToken);
        if (deleted > 0)
        {
            LogSwept(logger, deleted);
        }

        return deleted;
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Deleted {Count} expired idempotency records")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Sweeping expired idempotency records failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
