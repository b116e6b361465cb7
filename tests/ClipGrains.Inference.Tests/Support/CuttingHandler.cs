using System.Collections.Concurrent;

namespace ClipGrains.Inference.Tests.Support;

/// <summary>
/// Makes the body of the first <c>times</c> responses for a path fail with an <see cref="IOException"/> after half
/// its bytes, the way a dropped connection surfaces in <see cref="HttpClient"/>.
/// </summary>
public sealed class CuttingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentDictionary<string, int> _cutsLeft = new(StringComparer.Ordinal);

    public void Cut(string pathSuffix, int times = 1) => _cutsLeft[pathSuffix] = times;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var key = _cutsLeft.Keys.FirstOrDefault(k => request.RequestUri!.AbsolutePath.EndsWith(k, StringComparison.Ordinal));
        if (key is null || !response.IsSuccessStatusCode || _cutsLeft[key] <= 0)
        {
            return response;
        }

        _cutsLeft[key]--;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var cut = new StreamContent(new BrokenStream(body.AsMemory(0, body.Length / 2)));
        foreach (var header in response.Content.Headers)
        {
            cut.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = cut;
        return response;
    }

    private sealed class BrokenStream(ReadOnlyMemory<byte> prefix) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= prefix.Length)
            {
                throw new IOException("The connection was reset (simulated).");
            }

            var n = Math.Min(count, prefix.Length - _position);
            prefix.Span.Slice(_position, n).CopyTo(buffer.AsSpan(offset, n));
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
