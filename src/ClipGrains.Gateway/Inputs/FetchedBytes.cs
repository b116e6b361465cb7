using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// The bytes one request holds in fetched images, counted against its own cap
/// (<see cref="ImageUrlOptions.MaxBytesPerRequest"/>) and the process's (<see cref="FetchBudget"/>); disposing it — when
/// the request is answered — gives the process's share back. Thread-safe: a request fetches a few URLs at once.
/// </summary>
internal sealed class FetchedBytes(FetchBudget process, long maxPerRequest) : IDisposable
{
    private long _held;

    /// <summary>Bytes held now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Counts <paramref name="bytes"/> more, or throws: 400 past the request's cap, 503 past the process's.</summary>
    public void Take(long bytes, string param)
    {
        if (Interlocked.Add(ref _held, bytes) > maxPerRequest)
        {
            Interlocked.Add(ref _held, -bytes);
            throw ApiException.BadRequest(
                $"The images at this request's URLs add up to more than {maxPerRequest} bytes; send fewer or smaller images per request.", param, "images_too_large");
        }

        if (!process.TryTake(bytes))
        {
            Interlocked.Add(ref _held, -bytes);
            throw new ApiException(503, "server_error", "image_fetch_busy",
                "This server holds as many fetched images as it may right now; retry after the delay in Retry-After.", param)
            {
                RetryAfter = TimeSpan.FromSeconds(1),
            };
        }
    }

    public void Dispose() => process.Release(Interlocked.Exchange(ref _held, 0));
}

/// <summary>The bytes of fetched images this process holds for all requests (<see cref="ImageUrlOptions.MaxBytesInFlight"/>).</summary>
internal sealed class FetchBudget(Microsoft.Extensions.Options.IOptions<ImageUrlOptions> options)
{
    private long _held;

    /// <summary>Bytes held now, over all requests.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>A request's own count, against this budget.</summary>
    public FetchedBytes ForRequest() => new(this, options.Value.MaxBytesPerRequest);

    public bool TryTake(long bytes)
    {
        if (Interlocked.Add(ref _held, bytes) <= options.Value.MaxBytesInFlight)
        {
            return true;
        }

        Interlocked.Add(ref _held, -bytes);
        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref _held, -bytes);
}
