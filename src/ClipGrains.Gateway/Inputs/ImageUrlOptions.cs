using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Gateway.Inputs;

/// <summary>Fetching images by URL (<c>image_url.url</c> with http/https). Off by default. Bound from <c>ClipGrains:ImageUrls</c>.</summary>
public sealed class ImageUrlOptions
{
    /// <summary>Whether URL inputs are accepted at all.</summary>
    public bool Enabled { get; set; }

    /// <summary>Hosts that may be fetched: exact names or <c>*.example.com</c> for subdomains. Empty allows none.</summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Largest image fetched, counted on the stream (Content-Length is not trusted).</summary>
    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>
    /// Most bytes one request may fetch over all its URLs (its images are held until it is answered): 2,048 URLs of
    /// <see cref="MaxBytes"/> each would otherwise be 40 GB for one request.
    /// </summary>
    public long MaxBytesPerRequest { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Most bytes this process holds in fetched images for all requests together; past it a fetch is refused with 503
    /// and Retry-After (the memory is busy, not the request wrong).
    /// </summary>
    public long MaxBytesInFlight { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Most of <see cref="MaxBytesInFlight"/> one tenant's requests may hold together, so one tenant fetching large
    /// images cannot make every other tenant's URL inputs a 503: the rest is always left for the others.
    /// </summary>
    public long MaxBytesInFlightPerTenant { get; set; } = 128L * 1024 * 1024;

    /// <summary>Connect timeout per hop.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of the whole fetch, redirects and body included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Redirects followed (each re-checked against the allow-list and the address rules).</summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>
    /// Allow loopback addresses (127.0.0.0/8, ::1) — and only those: private, link-local and metadata addresses stay
    /// refused. Never in production; it exists so tests can point the fetcher at a server on 127.0.0.1.
    /// </summary>
    public bool AllowLoopback { get; set; }

    /// <summary>What is wrong with these settings (<c>ClipGrains:ImageUrls</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .Positive(nameof(MaxBytes), MaxBytes)
            .Positive(nameof(MaxBytesPerRequest), MaxBytesPerRequest)
            .Positive(nameof(MaxBytesInFlight), MaxBytesInFlight)
            .Positive(nameof(MaxBytesInFlightPerTenant), MaxBytesInFlightPerTenant)
            .Positive(nameof(ConnectTimeout), ConnectTimeout)
            .Positive(nameof(Timeout), Timeout)
            .NotNegative(nameof(MaxRedirects), MaxRedirects);
    }
}
