using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// Dynamic batching limits for one silo's model host (Triton's terms): requests arriving within
/// <see cref="MaxQueueDelay"/> of each other are run together, up to the batch size; a full queue refuses
/// at once. Bound from <c>ClipGrains:Batching</c>.
/// </summary>
public sealed class BatchingOptions
{
    /// <summary>Largest image batch. On CPU larger batches barely help; on GPU they are most of the gain.</summary>
    public int MaxImageBatchSize { get; set; } = 8;

    /// <summary>
    /// Image batches run at once. 0 (the default) decides by load: a batch with nothing waiting behind it runs alone on
    /// every core, and while more waits, one batch per core runs on a single-threaded session sharing the weights (see
    /// docs/cluster.md). A positive value fixes it for experts: that many batches at once on one session, each with
    /// <c>Model:IntraOpThreads</c> threads (1 and 0: one batch at a time on every core; the cores and 1: one core each).
    /// </summary>
    public int ImageRunners { get; set; }

    /// <summary>Largest text batch (prompts are cheap and trimmed, so batches can be wider).</summary>
    public int MaxTextBatchSize { get; set; } = 64;

    /// <summary>How long the first item of a batch waits for company before the batch runs anyway.</summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Images waiting (not yet running) before new ones are refused with 503; one tenant may hold at most half (less while others wait).</summary>
    public int MaxImageQueueLength { get; set; } = 256;

    /// <summary>
    /// Prompts waiting before new ones are refused. A tenant may hold at most half of it (less while others wait), so it is
    /// four times the largest request (256 labels x 16 templates).
    /// </summary>
    public int MaxTextQueueLength { get; set; } = 16384;

    /// <summary>
    /// Images of one request decoded and queued at a time: a larger request is worked through window by window (the next
    /// decoded while the previous is inferred), so it holds at most two windows of tensors whatever its size, and a tenant
    /// alone never holds more of the image queue than its share.
    /// </summary>
    public int ImageRequestWindow { get; set; } = 32;

    /// <summary>Default deadline of a request that does not set one.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest a single image may take to decode and preprocess before its request is answered with 400. The decode
    /// itself (native code) runs to completion in the background and keeps its slot until then, so the memory bound
    /// holds even for images crafted to be slow.
    /// </summary>
    public TimeSpan DecodeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Images decoded and preprocessed at once per silo (each can hold up to 160 MB while decoding).</summary>
    public int MaxConcurrentDecodes { get; set; } = Environment.ProcessorCount;

    /// <summary>What is wrong with these settings (<c>ClipGrains:Batching</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .Positive(nameof(MaxImageBatchSize), MaxImageBatchSize)
            .NotNegative(nameof(ImageRunners), ImageRunners)
            .Positive(nameof(MaxTextBatchSize), MaxTextBatchSize)
            .NotNegative(nameof(MaxQueueDelay), MaxQueueDelay)
            .Positive(nameof(MaxImageQueueLength), MaxImageQueueLength)
            .Positive(nameof(MaxTextQueueLength), MaxTextQueueLength)
            .Positive(nameof(ImageRequestWindow), ImageRequestWindow)
            .Positive(nameof(RequestTimeout), RequestTimeout)
            .Positive(nameof(DecodeTimeout), DecodeTimeout)
            .Positive(nameof(MaxConcurrentDecodes), MaxConcurrentDecodes);
    }
}
