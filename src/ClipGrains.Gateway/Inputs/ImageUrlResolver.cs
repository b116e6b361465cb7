using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Inputs;

/// <summary>Replaces URL inputs with the fetched bytes (a few at a time), or refuses them when URL inputs are off.</summary>
internal sealed class ImageUrlResolver(ImageUrlFetcher fetcher)
{
    private const int ConcurrentFetches = 4;

    public async Task<List<ApiInput>> ResolveAsync(List<ApiInput> inputs, CancellationToken cancellationToken)
    {
        if (!inputs.Any(i => i.Url is not null))
        {
            return inputs;
        }

        if (!fetcher.Enabled)
        {
            var first = inputs.First(i => i.Url is not null);
            throw ApiException.BadRequest(
                "Image URLs are not enabled on this server; send the image inline as a data:image/...;base64,... URI.", first.Param, "image_url_not_allowed");
        }

        using var slots = new SemaphoreSlim(ConcurrentFetches);
        var resolved = await Task.WhenAll(inputs.Select(async input =>
        {
            if (input.Url is null)
            {
                return input;
            }

            await slots.WaitAsync(cancellationToken);
            try
            {
                return input with { Image = await fetcher.FetchAsync(input.Url, input.Param, cancellationToken), Url = null };
            }
            finally
            {
                slots.Release();
            }
        }));
        return [.. resolved];
    }
}
