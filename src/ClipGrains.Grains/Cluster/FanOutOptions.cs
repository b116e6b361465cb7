using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Grains.Cluster;

/// <summary>When a request with many images is split across silos. Bound from <c>ClipGrains:FanOut</c>.</summary>
public sealed class FanOutOptions
{
    /// <summary>Requests with at most this many images stay on the receiving silo (no network hop).</summary>
    public int LocalMaxImages { get; set; } = 4;

    /// <summary>Smallest chunk sent to another silo; fewer images are not worth the transfer.</summary>
    public int MinChunkSize { get; set; } = 2;

    /// <summary>How long a silo's reported load is reused before asking again.</summary>
    public TimeSpan LoadCacheDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Images queued on every silo holding a model from which another silo loads a copy (up to the model's MaxCopies):
    /// two full image batches waiting.
    /// </summary>
    public int ScaleOutQueueDepth { get; set; } = 16;

    /// <summary>What is wrong with these settings (<c>ClipGrains:FanOut</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .NotNegative(nameof(LocalMaxImages), LocalMaxImages)
            .Positive(nameof(MinChunkSize), MinChunkSize)
            .Positive(nameof(ScaleOutQueueDepth), ScaleOutQueueDepth)
            .NotNegative(nameof(LoadCacheDuration), LoadCacheDuration);
    }
}
