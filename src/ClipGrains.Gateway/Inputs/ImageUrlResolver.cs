using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// URL inputs: <see cref="Check"/> refuses them before admission when they are off; <see cref="ResolveAsync"/>, run
/// only once the request is admitted, replaces them with the fetched bytes (a few at a time), counted against the
/// request's and the process's byte budgets until the request is answered.
/// </summary>
internal sealed class ImageUrlResolver(ImageUrlFetcher fetcher, FetchBudget budget)
{
    private const int ConcurrentFetches = 4;

    /// <summary>Throws when <paramref name="inputs"/> name a URL and URL inputs are off.</summary>
    public void Check(IReadOnlyList<ApiInput> inputs)
    {
        if (!fetcher.Enabled && inputs.FirstOrDefault(i => i.Url is not null) is { } first)
        {
            throw ApiException.BadRequest(
                "Image URLs are not enabled on this server; send the image inline as a data:image/...;base64,... URI.", first.Param, "image_url_not_allowed");
        }
    }

    /// <summary>The inputs with every URL fetched; dispose the result when the request is answered.</summary>
    public async Task<ResolvedImages> ResolveAsync(string tenant, IReadOnlyList<ApiInput> inputs, CancellationToken cancellationToken)
    {
        Check(inputs);
        var held = budget.ForRequest(tenant);
        if (!inputs.Any(i => i.Url is not null))
        {
            return new ResolvedImages([.. inputs], held);
        }

        try
        {
            using var slots = new SemaphoreSlim(ConcurrentFetches);
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var fetches = Task.WhenAll(inputs.Select(async input =>
            {
                if (input.Url is null)
                {
                    return input;
                }

                await slots.WaitAsync(failed.Token);
                try
                {
                    return input with { Image = await fetcher.FetchAsync(input.Url, input.Param, held, failed.Token), Url = null };
                }
                catch
                {
                    // One refused image fails the request: the rest are not fetched.
                    await failed.CancelAsync();
                    throw;
                }
                finally
                {
                    slots.Release();
                }
            }));
            try
            {
                return new ResolvedImages([.. await fetches], held);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && fetches.Exception is { } all)
            {
                // The fetches cancelled after the first refusal came first in input order: the refusal is the answer.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(all.InnerExceptions.First(e => e is not OperationCanceledException));
                throw;
            }
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }
}

/// <summary>A request's inputs with their images fetched; disposing it returns their bytes to the process's budget.</summary>
internal sealed class ResolvedImages(List<ApiInput> inputs, FetchedBytes held) : IDisposable
{
    public List<ApiInput> Inputs { get; } = inputs;

    public void Dispose() => held.Dispose();
}
