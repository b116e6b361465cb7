using System.Net;
using System.Net.Sockets;
using ClipGrains.Gateway.Errors;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// Fetches image URLs for callers, defensively: only allow-listed hosts over http(s); every address a host
/// resolves to is checked and the connection is made to the checked address itself (no second DNS lookup to
/// rebind); redirects are followed by hand, at most <see cref="ImageUrlOptions.MaxRedirects"/>, each hop checked
/// again; connect and total timeouts; the body is counted as it streams and cut at the size cap.
/// </summary>
internal sealed class ImageUrlFetcher : IDisposable
{
    private readonly ImageUrlOptions _options;
    private readonly HttpClient _http;

    public ImageUrlFetcher(IOptions<ImageUrlOptions> options)
    {
        _options = options.Value;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = _options.ConnectTimeout,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public bool Enabled => _options.Enabled;

    public async Task<byte[]> FetchAsync(string url, string param, FetchedBytes budget, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var uri = Parse(url, param);
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= _options.MaxRedirects)
                    {
                        throw Refused(param, "image_url_unreachable", $"The image URL redirected more than {_options.MaxRedirects} times.");
                    }

                    uri = Parse(new Uri(uri, location).ToString(), param);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw Refused(param, "image_url_unreachable", $"Fetching the image URL failed with HTTP {(int)response.StatusCode}.");
                }

                return await ReadCappedAsync(response, param, budget, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Refused(param, "image_url_timeout", $"Fetching the image URL took longer than {_options.Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e) when (e.InnerException is ApiException api)
        {
            throw new ApiException(api.Status, api.Type, api.Code, api.Message, param);
        }
        catch (HttpRequestException)
        {
            throw Refused(param, "image_url_unreachable", "The image URL could not be fetched (connection failed).");
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, string param, FetchedBytes budget, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);

        // Sized from Content-Length when it is within the cap (the count below still decides), so the usual image is
        // read into one array and handed on as it is, not grown by doubling and copied once more at the end.
        // The array is taken from the budgets when it is made (a host may declare more than it sends).
        var declared = response.Content.Headers.ContentLength is long length && length > 0 && length <= _options.MaxBytes ? (int)length : 0;
        budget.Take(declared, param);
        long counted = declared;
        using var buffer = new MemoryStream(declared);
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _options.MaxBytes)
            {
                throw Refused(param, "image_too_large", $"The image at the URL is larger than {_options.MaxBytes} bytes.");
            }

            // Counted as it arrives (beyond what was declared), against the request's and the process's budgets.
            if (buffer.Length + read > counted)
            {
                budget.Take(buffer.Length + read - counted, param);
                counted = buffer.Length + read;
            }

            var sniffed = buffer.Length >= Scoring.ImageMagic.PrefixLength;
            buffer.Write(chunk, 0, read);

            // Judged by its first bytes as they arrive: a body that is not an image is not downloaded to its end.
            if (!sniffed && buffer.Length >= Scoring.ImageMagic.PrefixLength)
            {
                ThrowUnlessImage(buffer, param);
            }
        }

        if (buffer.Length is > 0 and < Scoring.ImageMagic.PrefixLength)
        {
            ThrowUnlessImage(buffer, param); // an empty body is the decoder's to describe
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    private static void ThrowUnlessImage(MemoryStream buffer, string param)
    {
        if (Scoring.ImageMagic.Sniff(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is null)
        {
            throw new ApiException(415, "invalid_request_error", "unsupported_image_format", Scoring.ImageMagic.Refusal, param);
        }
    }

    private Uri Parse(string url, string param)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw Refused(param, "invalid_image_url", "The image URL must be an absolute http(s) URL without credentials.");
        }

        if (!HostAllowed(uri.IdnHost))
        {
            throw Refused(param, "image_url_not_allowed", $"Images may not be fetched from '{uri.IdnHost}'; allowed hosts are configured by the operator.");
        }

        return uri;
    }

    private bool HostAllowed(string host) => _options.AllowedHosts.Any(allowed =>
        allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase) && host.Length > allowed.Length - 1
            : string.Equals(host, allowed, StringComparison.OrdinalIgnoreCase));

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var usable = addresses.Where(a => AddressPolicy.IsInternetFamily(a.AddressFamily)).ToList();
        if (usable.Count == 0)
        {
            throw Refused("image_url", "image_url_unreachable", $"'{host}' does not resolve.");
        }

        if (usable.Any(a => !AddressPolicy.IsPublic(a) && !(_options.AllowLoopback && IPAddress.IsLoopback(a))))
        {
            throw Refused("image_url", "image_url_forbidden", $"'{host}' resolves to a private, loopback or link-local address; such addresses are never fetched.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable[0], context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static ApiException Refused(string param, string code, string message) => ApiException.BadRequest(message, param, code);
}
