using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Grains.Usage;

/// <summary>How the usage log writes. Bound from <c>ClipGrains:UsageLog</c>.</summary>
public sealed class UsageLogOptions
{
    /// <summary>
    /// Longest a record waits before its batch is written (group commit). Also the bound on what a crash loses: records
    /// answered but not yet written are the provider's loss, at most this long of one process's traffic.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Most records in one batch (one transaction).</summary>
    public int MaxBatch { get; set; } = 1_000;

    /// <summary>Records held in memory while the store is slow or down; past it appends wait for room.</summary>
    public int MaxQueued { get; set; } = 100_000;

    /// <summary>Longest an append waits for room in a full queue before its record is dropped (and counted): the store is down.</summary>
    public TimeSpan AppendWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What is wrong with these settings (<c>ClipGrains:UsageLog</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks.Positive(nameof(FlushInterval), FlushInterval).Positive(nameof(MaxBatch), MaxBatch).Positive(nameof(MaxQueued), MaxQueued)
            .NotNegative(nameof(AppendWait), AppendWait);
    }
}
