using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClipGrains.Inference.Imaging;

/// <summary>
/// A port of Pillow's <c>ImagingResample</c> (libImaging/Resample.c) for 8-bit RGB with the bicubic filter
/// (a = -0.5): separable, horizontal pass then vertical, filter support widened by the downscale factor
/// (antialiasing), weights in 22-bit fixed point, each pass rounded and clipped to 8 bits. This is the one
/// deliberately hand-written algorithm in the project: CLIP was trained on Pillow's output and no library
/// (Skia, libvips) reproduces it; every constant and rounding step below mirrors Resample.c.
/// </summary>
/// <remarks>
/// Integer sums are exact whatever their order, so the passes are free to be fast without changing a single
/// output byte: the vertical pass accumulates whole rows with SIMD (one weight times a row of bytes at a time),
/// the horizontal pass reads through references without bounds checks, and only the pixels a crop keeps are
/// computed (each output pixel depends on the input alone, never on its neighbours in the output).
/// The per-row kernels are compiled fully optimized on first use (AggressiveOptimization): a server runs them once a
/// request, so tiered compilation left them at tier 0 — where Vector&lt;T&gt; is not even intrinsic — for minutes
/// behind the backlog of Orleans and ASP.NET methods waiting to tier up (measured: 10 ms a 640×427 photo at tier 0,
/// 2 ms optimized).
/// </remarks>
internal static class PillowBicubic
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double Support = 2.0;

    // Multiply-adds below which threading costs more than it saves (measured: ~1M).
    private const long ParallelThreshold = 1 << 20;

    /// <summary>Resizes <paramref name="source"/> to <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static RgbImage Resize(RgbImage source, int width, int height) => Resize(source, width, height, 0, 0, width, height);

    /// <summary>
    /// The window (<paramref name="left"/>, <paramref name="top"/>, <paramref name="windowWidth"/> ×
    /// <paramref name="windowHeight"/>) of the resize of <paramref name="source"/> to <paramref name="width"/> ×
    /// <paramref name="height"/>: byte for byte what cropping the full resize would give, for the work of the window.
    /// </summary>
    /// <remarks>
    /// With <paramref name="pool"/>, every buffer is rented from it: the intermediate pass's is returned here, and the
    /// result's (unless it is <paramref name="source"/> itself, when nothing needs resampling) is the caller's to return.
    /// </remarks>
    public static RgbImage Resize(RgbImage source, int width, int height, int left, int top, int windowWidth, int windowHeight, ArrayPool<byte>? pool = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowHeight);
        if (left < 0 || top < 0 || left + windowWidth > width || top + windowHeight > height)
        {
            throw new ArgumentOutOfRangeException(nameof(left), $"The window {left},{top} {windowWidth}×{windowHeight} is not inside {width}×{height}.");
        }

        var needHorizontal = width != source.Width;
        var needVertical = height != source.Height;
        if (!needHorizontal && !needVertical && windowWidth == width && windowHeight == height)
        {
            return source;
        }

        // Source rows the kept output rows read (all of the window's rows when there is no vertical pass).
        using var vertical = needVertical ? Coefficients.Compute(source.Height, height) : null;
        var firstRow = vertical is null ? top : vertical.Bounds[top * 2];
        var endRow = vertical is null
            ? top + windowHeight
            : vertical.Bounds[(top + windowHeight - 1) * 2] + vertical.Bounds[((top + windowHeight - 1) * 2) + 1];

        RgbImage image;
        if (needHorizontal)
        {
            using var horizontal = Coefficients.Compute(source.Width, width);
            image = Horizontal(source, horizontal, left, windowWidth, firstRow, endRow - firstRow, pool);
        }
        else
        {
            image = CopyWindow(source, left, windowWidth, firstRow, endRow - firstRow, pool);
        }

        if (vertical is null)
        {
            return image;
        }

        try
        {
            return Vertical(image, vertical, top, windowHeight, firstRow, pool);
        }
        finally
        {
            pool?.Return(image.Pixels);
        }
    }

    private static byte[] Allocate(int length, ArrayPool<byte>? pool) => pool?.Rent(length) ?? new byte[length];

    private static RgbImage CopyWindow(RgbImage input, int left, int width, int firstRow, int rows, ArrayPool<byte>? pool)
    {
        var output = new RgbImage(width, rows, Allocate(width * rows * 3, pool));
        for (var y = 0; y < rows; y++)
        {
            input.Pixels.AsSpan(((firstRow + y) * input.Stride) + (left * 3), width * 3).CopyTo(output.Pixels.AsSpan(y * output.Stride));
        }

        return output;
    }

    // Output column j is output pixel left + j of the full row; output row y is source row firstRow + y.
    private static RgbImage Horizontal(RgbImage input, Coefficients c, int left, int outWidth, int firstRow, int rows, ArrayPool<byte>? pool)
    {
        var output = new RgbImage(outWidth, rows, Allocate(outWidth * rows * 3, pool));
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Row(int y)
        {
            // Bounds were validated when the coefficients were computed (min + count <= input width), so the reads
            // below stay inside the row; references avoid a bounds check per tap.
            ref var inRow = ref input.Pixels[(y + firstRow) * input.Stride];
            ref var outRow = ref output.Pixels[y * output.Stride];
            ref var weights = ref MemoryMarshal.GetArrayDataReference(c.Weights);
            for (var x = 0; x < outWidth; x++)
            {
                var xx = left + x;
                var min = c.Bounds[xx * 2];
                var count = c.Bounds[(xx * 2) + 1];
                ref var k = ref Unsafe.Add(ref weights, xx * c.KernelSize);
                ref var p = ref Unsafe.Add(ref inRow, min * 3);
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (var i = 0; i < count; i++)
                {
                    var w = Unsafe.Add(ref k, i);
                    s0 += Unsafe.Add(ref p, i * 3) * w;
                    s1 += Unsafe.Add(ref p, (i * 3) + 1) * w;
                    s2 += Unsafe.Add(ref p, (i * 3) + 2) * w;
                }

                Unsafe.Add(ref outRow, x * 3) = Clip8(s0);
                Unsafe.Add(ref outRow, (x * 3) + 1) = Clip8(s1);
                Unsafe.Add(ref outRow, (x * 3) + 2) = Clip8(s2);
            }
        }

        ForRows(rows, (long)outWidth * c.KernelSize * rows * 3, Row);
        return output;
    }

    // The input's row 0 is source row firstRow; output row y is output row top + y of the full resize.
    private static RgbImage Vertical(RgbImage input, Coefficients c, int top, int outHeight, int firstRow, ArrayPool<byte>? pool)
    {
        var stride = input.Stride;
        var output = new RgbImage(input.Width, outHeight, Allocate(stride * outHeight, pool));
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Row(int y)
        {
            var yy = top + y;
            var min = c.Bounds[yy * 2] - firstRow;
            var k = c.Weights.AsSpan(yy * c.KernelSize, c.Bounds[(yy * 2) + 1]);
            var sums = ArrayPool<int>.Shared.Rent(stride);
            try
            {
                var acc = sums.AsSpan(0, stride);
                acc.Fill(1 << (PrecisionBits - 1));
                for (var i = 0; i < k.Length; i++)
                {
                    MultiplyAdd(input.Pixels.AsSpan((min + i) * stride, stride), k[i], acc);
                }

                Clip8(acc, output.Pixels.AsSpan(y * stride, stride));
            }
            finally
            {
                ArrayPool<int>.Shared.Return(sums);
            }
        }

        ForRows(outHeight, (long)stride * c.KernelSize * outHeight, Row);
        return output;
    }

    // acc[x] += row[x] * weight, a vector of bytes widened to ints at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAdd(ReadOnlySpan<byte> row, int weight, Span<int> acc)
    {
        var x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<int>(weight);
            var lanes = Vector<int>.Count;
            for (; x <= row.Length - Vector<byte>.Count; x += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(row[x..]), out var low, out var high);
                Vector.Widen(low, out var a, out var b);
                Vector.Widen(high, out var c, out var d);
                var sums = acc[x..];
                (new Vector<int>(sums) + (Vector.AsVectorInt32(a) * w)).CopyTo(sums);
                (new Vector<int>(sums[lanes..]) + (Vector.AsVectorInt32(b) * w)).CopyTo(sums[lanes..]);
                (new Vector<int>(sums[(2 * lanes)..]) + (Vector.AsVectorInt32(c) * w)).CopyTo(sums[(2 * lanes)..]);
                (new Vector<int>(sums[(3 * lanes)..]) + (Vector.AsVectorInt32(d) * w)).CopyTo(sums[(3 * lanes)..]);
            }
        }

        for (; x < row.Length; x++)
        {
            acc[x] += row[x] * weight;
        }
    }

    // Clip8 of every sum: (s >> 22) clamped to 0..255 is the same function (s >= 2^30 gives >= 256, s <= 0 gives <= 0).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Clip8(ReadOnlySpan<int> sums, Span<byte> output)
    {
        var x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lanes = Vector<int>.Count;
            var zero = Vector<int>.Zero;
            var max = new Vector<int>(255);
            for (; x <= sums.Length - Vector<byte>.Count; x += Vector<byte>.Count)
            {
                var a = Vector.AsVectorUInt32(Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(new Vector<int>(sums[x..]), PrecisionBits), zero), max));
                var b = Vector.AsVectorUInt32(Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(new Vector<int>(sums[(x + lanes)..]), PrecisionBits), zero), max));
                var c = Vector.AsVectorUInt32(Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(new Vector<int>(sums[(x + (2 * lanes))..]), PrecisionBits), zero), max));
                var d = Vector.AsVectorUInt32(Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(new Vector<int>(sums[(x + (3 * lanes))..]), PrecisionBits), zero), max));
                Vector.Narrow(Vector.Narrow(a, b), Vector.Narrow(c, d)).CopyTo(output[x..]);
            }
        }

        for (; x < sums.Length; x++)
        {
            output[x] = Clip8(sums[x]);
        }
    }

    private static void ForRows(int rows, long work, Action<int> row)
    {
        if (work < ParallelThreshold)
        {
            for (var y = 0; y < rows; y++)
            {
                row(y);
            }
        }
        else
        {
            Parallel.For(0, rows, row);
        }
    }

    private static byte Clip8(int value) =>
        value >= 1 << PrecisionBits << 8 ? (byte)255 : value <= 0 ? (byte)0 : (byte)(value >> PrecisionBits);

    private static double Filter(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
        }

        return x < 2.0 ? ((((x - 5) * x) + 8) * x - 4) * a : 0.0;
    }

    /// <summary>
    /// Per output pixel: first input index, input count, and fixed-point weights (Resample.c's precompute_coeffs).
    /// Invariants the passes rely on: min + count &lt;= input size, and min and min + count never decrease.
    /// </summary>
    /// Its arrays are rented (a request's resize computes two sets) and go back to the pool at <see cref="Dispose"/>.
    private sealed class Coefficients(int kernelSize, int[] bounds, int[] weights) : IDisposable
    {
        public int KernelSize { get; } = kernelSize;

        public int[] Bounds { get; } = bounds;

        public int[] Weights { get; } = weights;

        public static Coefficients Compute(int inSize, int outSize)
        {
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = Support * filterScale;
            var kernelSize = ((int)Math.Ceiling(support) * 2) + 1;
            var bounds = ArrayPool<int>.Shared.Rent(outSize * 2);
            var weights = ArrayPool<int>.Shared.Rent(outSize * kernelSize);
            Span<double> k = kernelSize <= 256 ? stackalloc double[kernelSize] : new double[kernelSize];
            for (var xx = 0; xx < outSize; xx++)
            {
                var center = (xx + 0.5) * scale;
                var ss = 1.0 / filterScale;
                var min = Math.Max((int)(center - support + 0.5), 0);
                var max = Math.Min((int)(center + support + 0.5), inSize) - min;
                var sum = 0.0;
                for (var x = 0; x < max; x++)
                {
                    k[x] = Filter((x + min - center + 0.5) * ss);
                    sum += k[x];
                }

                for (var x = 0; x < max; x++)
                {
                    var w = sum != 0.0 ? k[x] / sum : k[x];
                    weights[(xx * kernelSize) + x] = w < 0
                        ? (int)(-0.5 + (w * (1 << PrecisionBits)))
                        : (int)(0.5 + (w * (1 << PrecisionBits)));
                }

                bounds[xx * 2] = min;
                bounds[(xx * 2) + 1] = max;
            }

            return new Coefficients(kernelSize, bounds, weights);
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(Bounds);
            ArrayPool<int>.Shared.Return(Weights);
        }
    }
}
