using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Gateway;

/// <summary>Request limits of the public API. Bound from <c>ClipGrains:Gateway</c>; see docs/security.md.</summary>
public sealed class GatewayOptions
{
    /// <summary>Images in one request.</summary>
    /// <remarks>
    /// 2048, as texts: batch clients send images in the same batches as texts. The byte limit of the body and the pixel
    /// limit of each image still hold; the silo works through a request a window of <c>Batching:ImageRequestWindow</c>
    /// images at a time, so memory does not grow with this number.
    /// </remarks>
    public int MaxImagesPerRequest { get; set; } = 2048;

    /// <summary>Texts in one embeddings request.</summary>
    /// <remarks>
    /// 2048, as Infinity and the Vercel AI SDK's OpenAI provider send (LangChain sends 512): clients split larger
    /// batches themselves only when the server's limit is at least theirs. The text queue splits them into model
    /// batches; a tenant alone may hold 8,192 prompts there.
    /// </remarks>
    public int MaxTextsPerRequest { get; set; } = 2048;

    /// <summary>Ad-hoc labels in one classification request.</summary>
    public int MaxLabelsPerRequest { get; set; } = 256;

    /// <summary>Templates in one classification request.</summary>
    public int MaxTemplatesPerRequest { get; set; } = 16;

    /// <summary>Characters in one text, label or template.</summary>
    public int MaxTextLength { get; set; } = 2000;

    /// <summary>Request body of routes that carry images, in bytes.</summary>
    public long MaxImageRequestBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Request body of the other routes, in bytes.</summary>
    public long MaxJsonRequestBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// On a graceful stop, how long the gateway keeps answering (readiness 503, new calls 503) before it waits for
    /// in-flight requests: time for a load balancer to take the silo out. 0 locally; a few seconds behind Kubernetes.
    /// </summary>
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Largest response kept for Idempotency-Key replays (24 h). A larger one is not stored: a retry gets 409
    /// <c>idempotent_response_not_stored</c> (the work is neither repeated nor charged again).
    /// </summary>
    public int MaxStoredResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Requests of one tenant a silo works on at once while other tenants have requests there too (a tenant alone is not
    /// limited); more wait, before their body is read, up to the request timeout. Two per core, at least 4: enough to
    /// keep decoding and inference overlapped for one tenant, few enough that one tenant's parsing and decoding cannot
    /// take every core from another (docs/security.md has the measurement).
    /// </summary>
    public int MaxConcurrentRequestsPerTenant { get; set; } = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>
    /// Requests of a tenant in progress on one silo while it is alone there (work conserving, but bounded): more wait,
    /// before their body is read, as above. Bodies in flight are memory — 32 concurrent 2,048-file multipart requests
    /// of a tenant with 0 credits added 2.5 GB before — so even a lone tenant holds at most this many at once.
    /// </summary>
    public int MaxRequestsPerTenantAlone { get; set; } = Math.Max(16, 8 * Environment.ProcessorCount);

    /// <summary>
    /// After a burst, once the server has been idle this long, the managed heap is compacted and its free part returned
    /// to the system (when it holds more than <see cref="TrimAboveBytes"/>).
    /// </summary>
    public TimeSpan TrimCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Committed managed memory, in bytes, above which an idle server gives memory back.</summary>
    public long TrimAboveBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Floats of image and prompt embeddings this gateway keeps so re-sent images and repeated labels cost no inference
    /// (its own cache, shared with nothing else). 16 M floats (64 MB) hold 32,768 vectors of 512.
    /// </summary>
    public long EmbeddingCacheFloats { get; set; } = 16L * 1024 * 1024;

    /// <summary>How long a request may wait for the model before it gives up.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long <c>?wait=true</c> on a label-set write waits for the matrix.</summary>
    public TimeSpan LabelSetWaitTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>What is wrong with these settings (<c>ClipGrains:Gateway</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .Positive(nameof(MaxImagesPerRequest), MaxImagesPerRequest)
            .Positive(nameof(MaxTextsPerRequest), MaxTextsPerRequest)
            .Positive(nameof(MaxLabelsPerRequest), MaxLabelsPerRequest)
            .Positive(nameof(MaxTemplatesPerRequest), MaxTemplatesPerRequest)
            .Positive(nameof(MaxTextLength), MaxTextLength)
            .Positive(nameof(MaxImageRequestBytes), MaxImageRequestBytes)
            .Positive(nameof(MaxJsonRequestBytes), MaxJsonRequestBytes)
            .NotNegative(nameof(ShutdownDelay), ShutdownDelay)
            .Positive(nameof(EmbeddingCacheFloats), EmbeddingCacheFloats)
            .NotNegative(nameof(MaxStoredResponseBytes), MaxStoredResponseBytes)
            .Positive(nameof(MaxConcurrentRequestsPerTenant), MaxConcurrentRequestsPerTenant)
            .Positive(nameof(MaxRequestsPerTenantAlone), MaxRequestsPerTenantAlone)
            .Positive(nameof(TrimCheckInterval), TrimCheckInterval)
            .Positive(nameof(TrimAboveBytes), TrimAboveBytes)
            .Positive(nameof(RequestTimeout), RequestTimeout)
            .Positive(nameof(LabelSetWaitTimeout), LabelSetWaitTimeout);
    }
}
