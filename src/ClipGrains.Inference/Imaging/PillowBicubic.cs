namespace ClipGrains.Inference.Imaging;

/// <summary>
/// A port of Pillow's <c>ImagingResample</c> (libImaging/Resample.c) for 8-bit RGB with the bicubic filter
/// (a = -0.5): separable, horizontal pass then vertical, filter support widened by the downscale factor
/// (antialiasing), weights in 22-bit fixed point, each pass rounded and clipped to 8 bits. This is the one
/// deliberately hand-written algorithm in the project: CLIP was trained on Pillow's output and no library
/// (Skia, libvips) reproduces it; every constant and rounding step below mirrors Resample.c.
/// </summary>
internal static class PillowBicubic
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double Support = 2.0;

    // Rows of work below which threading costs more than it saves (measured: ~1M multiply-adds).
    private const long ParallelThreshold = 1 << 20;

    public static RgbImage Resize(RgbImage source, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var needHorizontal = width != source.Width;
        var needVertical = height != source.Height;
        if (!needHorizontal && !needVertical)
        {
            return source;
        }

        var horizontal = Coefficients.Compute(source.Width, width);
        var vertical = Coefficients.Compute(source.Height, height);

        var image = source;
        if (needHorizontal)
        {
            // Only the source rows the vertical pass will read are resampled horizontally.
            var firstRow = vertical.Bounds[0];
            var lastRow = vertical.Bounds[(height - 1) * 2] + vertical.Bounds[((height - 1) * 2) + 1];
            for (var i = 0; i < height; i++)
            {
                vertical.Bounds[i * 2] -= firstRow;
            }

            image = Horizontal(source, width, firstRow, lastRow - firstRow, horizontal);
        }

        return needVertical ? Vertical(image, height, vertical) : image;
    }

    private static RgbImage Horizontal(RgbImage input, int outWidth, int rowOffset, int rows, Coefficients c)
    {
        var output = new RgbImage(outWidth, rows, new byte[outWidth * rows * 3]);
        void Row(int y)
        {
            var inRow = input.Pixels.AsSpan((y + rowOffset) * input.Stride, input.Stride);
            var outRow = output.Pixels.AsSpan(y * output.Stride, output.Stride);
            for (var x = 0; x < outWidth; x++)
            {
                var min = c.Bounds[x * 2];
                var count = c.Bounds[(x * 2) + 1];
                var k = c.Weights.AsSpan(x * c.KernelSize, count);
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                var p = min * 3;
                for (var i = 0; i < k.Length; i++, p += 3)
                {
                    var w = k[i];
                    s0 += inRow[p] * w;
                    s1 += inRow[p + 1] * w;
                    s2 += inRow[p + 2] * w;
                }

                outRow[x * 3] = Clip8(s0);
                outRow[(x * 3) + 1] = Clip8(s1);
                outRow[(x * 3) + 2] = Clip8(s2);
            }
        }

        ForRows(rows, (long)outWidth * c.KernelSize * rows, Row);
        return output;
    }

    private static RgbImage Vertical(RgbImage input, int outHeight, Coefficients c)
    {
        var width = input.Width;
        var output = new RgbImage(width, outHeight, new byte[width * outHeight * 3]);
        void Row(int y)
        {
            var min = c.Bounds[y * 2];
            var k = c.Weights.AsSpan(y * c.KernelSize, c.Bounds[(y * 2) + 1]);
            var outRow = output.Pixels.AsSpan(y * output.Stride, output.Stride);
            var stride = input.Stride;
            for (var x = 0; x < stride; x++)
            {
                var s = 1 << (PrecisionBits - 1);
                var p = (min * stride) + x;
                for (var i = 0; i < k.Length; i++, p += stride)
                {
                    s += input.Pixels[p] * k[i];
                }

                outRow[x] = Clip8(s);
            }
        }

        ForRows(outHeight, (long)width * c.KernelSize * outHeight, Row);
        return output;
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

    /// <summary>Per output pixel: first input index, input count, and fixed-point weights (Resample.c's precompute_coeffs).</summary>
    private sealed class Coefficients(int kernelSize, int[] bounds, int[] weights)
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
            var bounds = new int[outSize * 2];
            var weights = new int[outSize * kernelSize];
            var k = new double[kernelSize];
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
    }
}
