using System.Buffers;

namespace ClipGrains.Gateway.Inputs;

/// <summary>
/// A growable byte buffer rented from the shared pool: request bodies are often hundreds of kilobytes (base64 images),
/// and a fresh array per request would be a large-object-heap allocation, zeroed and collected only by gen-2 GCs.
/// Buffers past <see cref="PoolLimit"/> are plain (uninitialised) arrays instead: the shared pool keeps what it is given
/// per core for a minute or more, so a burst of 30 MB bodies left ~350 MB cached after it ended; a plain array is
/// garbage when the request ends, and the idle trim returns it.
/// </summary>
internal sealed class PooledBytes(int initialCapacity) : IDisposable
{
    /// <summary>The largest buffer taken from (and given back to) the shared pool, in bytes.</summary>
    public const int PoolLimit = 4 * 1024 * 1024;

    private byte[] _buffer = Rent(Math.Max(256, initialCapacity));
    private int _length;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length)
        {
            var larger = Rent(Math.Max(_buffer.Length * 2, _length + bytes.Length));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            Return(_buffer);
            _buffer = larger;
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Dispose()
    {
        Return(_buffer);
        _buffer = [];
        _length = 0;
    }

    private static byte[] Rent(int length) => length <= PoolLimit ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    private static void Return(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= PoolLimit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
