using ClipGrains.Inference.Imaging;

namespace ClipGrains.Inference.Tests.Support;

/// <summary>
/// Resample.c's bicubic resize written the slowest, plainest way (one output value at a time, weights recomputed per
/// pixel), as an oracle for the optimised <see cref="PillowBicubic"/>: both must agree on every byte.
/// </summary>
internal static class NaiveResample
{
    private const int Bits = 22;

    public static RgbImage Resize(RgbImage source, int width, int height)
    {
        var pixels = source.Pixels;
        var (w, h) = (source.Width, source.Height);
        if (width != w)
        {
            pixels = Pass(pixels, w, h, width, horizontal: true);
            w = width;
        }

        if (height != h)
        {
            pixels = Pass(pixels, w, h, height, horizontal: false);
            h = height;
        }

        return new RgbImage(w, h, pixels);
    }

    private static byte[] Pass(byte[] input, int w, int h, int outSize, bool horizontal)
    {
        var inSize = horizontal ? w : h;
        var (ow, oh) = horizontal ? (outSize, h) : (w, outSize);
        var output = new byte[ow * oh * 3];
        for (var o = 0; o < outSize; o++)
        {
            var (first, taps) = Taps(inSize, outSize, o);
            for (var across = 0; across < (horizontal ? h : w); across++)
            {
                for (var channel = 0; channel < 3; channel++)
                {
                    var sum = 1 << (Bits - 1);
                    for (var t = 0; t < taps.Length; t++)
                    {
                        var (x, y) = horizontal ? (first + t, across) : (across, first + t);
                        sum += input[(((y * w) + x) * 3) + channel] * taps[t];
                    }

                    var (ox, oy) = horizontal ? (o, across) : (across, o);
                    output[(((oy * ow) + ox) * 3) + channel] = (byte)Math.Clamp(sum >> Bits, 0, 255);
                }
            }
        }

        return output;
    }

    private static (int First, int[] Taps) Taps(int inSize, int outSize, int o)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = 2.0 * filterScale;
        var center = (o + 0.5) * scale;
        var first = Math.Max((int)(center - support + 0.5), 0);
        var last = Math.Min((int)(center + support + 0.5), inSize);
        var raw = Enumerable.Range(first, last - first).Select(i => Cubic((i - center + 0.5) / filterScale)).ToArray();
        var total = raw.Sum();
        return (first, raw.Select(k => total != 0.0 ? k / total : k).Select(k => (int)(k < 0 ? -0.5 + (k * (1 << Bits)) : 0.5 + (k * (1 << Bits)))).ToArray());
    }

    private static double Cubic(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? (((1.5 * x) - 2.5) * x * x) + 1 : x < 2.0 ? ((((x - 5) * x) + 8) * x - 4) * -0.5 : 0.0;
    }
}
