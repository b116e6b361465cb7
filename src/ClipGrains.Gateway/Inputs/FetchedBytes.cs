using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// The bytes one request holds in fetched images, counted against its own cap
/// (<see cref="ImageUrlOptions.MaxBytesPerRequest"/>) and the process's (<see cref="FetchBudget"/>); disposing it — when
/// the request is answered — gives the process's share back. Thread-safe: a request fetches a few URLs at once.
/// </summary>
internal sealed class FetchedBytes(FetchBudget process, string tenant, long maxPerRequest) : IDisposable
{
    private long _held;

    /// <summary>Bytes held now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Counts <paramref name="bytes"/> more, or throws: 400 past the request's cap, 503 past the process's.</summary>
    public void Take(long bytes, string param)
    {
        if (bytes <= 0)
        {
            return;
        }

        if (Interlocked.Add(ref _held, bytes) > maxPerRequest)
        {
            Interlocked.Add(ref _held, -bytes);
            throw ApiException.BadRequest(
                $"The images at this request's URLs add up to more than {maxPerRequest} bytes; send fewer or smaller images per request.", param, "images_too_large");
        }

        if (!process.TryTake(tenant, bytes))
        {
            Interlocked.Add(ref _held, -bytes);
            throw new ApiException(503, "server_error", "image_fetch_busy",
                "This server holds as many fetched images as it may right now, for this tenant or for all; retry after the delay in Retry-After.", param)
            {
                RetryAfter = TimeSpan.FromSeconds(1),
            };
        }
    }

    public void Dispose() => process.Release(tenant, Interlocked.Exchange(ref _held, 0));
}

/// <summary>
/// The bytes of fetched images this process holds for all requests (<see cref="ImageUrlOptions.MaxBytesInFlight"/>),
/// and for each tenant (<see cref="ImageUrlOptions.MaxBytesInFlightPerTenant"/>).
/// </summary>
internal sealed class FetchBudget(Microsoft.Extensions.Options.IOptions<ImageUrlOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _tenants = new(StringComparer.Ordinal);
    private long _held;

    /// <summary>Bytes held now, over all requests.</summary>
    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>A request's own count for <paramref name="tenant"/>, against this budget.</summary>
    public FetchedBytes ForRequest(string tenant) => new(this, tenant, options.Value.MaxBytesPerRequest);

    public bool TryTake(string tenant, long bytes)
    {
        lock (_gate)
        {
            var own = _tenants.GetValueOrDefault(tenant);
            if (_held + bytes > options.Value.MaxBytesInFlight || own + bytes > options.Value.MaxBytesInFlightPerTenant)
            {
                return false;
            }

            _held += bytes;
            _tenants[tenant] = own + bytes;
            return true;
        }
    }

    public void Release(string tenant, long bytes)
    {
        lock (_gate)
        {
            _held -= bytes;
            var own = _tenants.GetValueOrDefault(tenant) - bytes;
            if (own <= 0)
            {
                _tenants.Remove(tenant);
            }
            else
            {
                _tenants[tenant] = own;
            }
        }
    }
}
