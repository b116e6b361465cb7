using System.Buffers;
using System.Runtime.CompilerServices;
using SkiaSharp;

namespace ClipGrains.Inference.Imaging;

/// <summary>
/// Decodes JPEG, PNG, WebP, GIF (first frame) and BMP with Skia's codecs into the RGB image Pillow would give:
/// EXIF orientation applied, alpha dropped without compositing (Pillow's <c>convert("RGB")</c>), no colour
/// management (Pillow ignores ICC profiles too). Skia's libjpeg-turbo decodes bit-exactly like Pillow's; when the
/// system has libjpeg-turbo's TurboJPEG library, JPEGs are decoded by it instead (same output, SIMD, see
/// <see cref="TurboJpeg"/>).
/// </summary>
public static class ImageDecoder
{
    /// <summary>
    /// Which decoder JPEGs get: "libjpeg-turbo (system TurboJPEG)", or "Skia (install libturbojpeg for ~2x faster
    /// JPEG decoding)" when the system library is missing. For the startup log.
    /// </summary>
    public static string JpegDecoder => TurboJpeg.System is null
        ? "Skia (install libturbojpeg for ~2x faster JPEG decoding)"
        : "libjpeg-turbo (system TurboJPEG)";

    /// <summary>
    /// Decodes <paramref name="encoded"/>; throws <see cref="ImageDecodeException"/> for anything unusable. With a
    /// <paramref name="pool"/>, the pixel buffer is rented from it (and may be longer than the image): the caller
    /// returns <see cref="RgbImage.Pixels"/> to the pool when done, so a stream of large photos reuses a few buffers
    /// instead of leaving a 120 MB array per image for the garbage collector.
    /// </summary>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, ImageLimits? limits = null, ArrayPool<byte>? pool = null) =>
        Decode(encoded, limits, pool, TurboJpeg.System);

    /// <summary>
    /// Width × height as the image's header declares it, without decoding; null when the bytes are not an image Skia can
    /// read. Costs a header parse (no copy): used to weigh a decode before it runs.
    /// </summary>
    public static unsafe long? PixelCount(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty || ImageFormatSniffer.Sniff(encoded) is null)
        {
            return null;
        }

        fixed (byte* start = encoded)
        {
            using var data = SKData.Create((IntPtr)start, encoded.Length);
            using var codec = data is null ? null : SKCodec.Create(data);
            return codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0 ? null : (long)codec.Info.Width * codec.Info.Height;
        }
    }

    /// <summary>As the public overload; <paramref name="turbo"/> null decodes JPEG with Skia alone (tests compare both).</summary>
    internal static RgbImage Decode(ReadOnlySpan<byte> encoded, ImageLimits? limits, ArrayPool<byte>? pool, TurboJpeg? turbo)
    {
        limits ??= ImageLimits.Default;
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(ImageDecodeError.Invalid, "The image is empty (0 bytes).");
        }

        var format = ImageFormatSniffer.Sniff(encoded)
            ?? throw new ImageDecodeException(ImageDecodeError.UnsupportedFormat, Scoring.ImageMagic.Refusal);
        using var data = SKData.CreateCopy(encoded);
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var result);
        if (codec is null || codec.EncodedFormat != format)
        {
            throw new ImageDecodeException(ImageDecodeError.Invalid, $"The {format.ToString().ToUpperInvariant()} image is corrupt or truncated and cannot be read.");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            throw new ImageDecodeException(ImageDecodeError.Invalid, $"The image declares an invalid size {width}×{height}.");
        }

        if (width > limits.MaxSide || height > limits.MaxSide || (long)width * height > limits.MaxPixels)
        {
            throw new ImageDecodeException(
                ImageDecodeError.TooLarge,
                $"The image is {width}×{height} pixels; the limit is {limits.MaxSide} pixels per side and {limits.MaxPixels:N0} pixels in all.");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var stored = (format == SKEncodedImageFormat.Jpeg ? turbo?.TryDecode(encoded, width, height, pool) : null)
            ?? (codec.ScanlineOrder == SKCodecScanlineOrder.TopDown && codec.StartScanlineDecode(info) == SKCodecResult.Success
                ? DecodeByScanlines(codec, width, height, format, pool)
                : DecodeWhole(codec, info, format, pool));
        if (codec.EncodedOrigin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            return new RgbImage(width, height, stored);
        }

        var upright = Reorient(stored, width, height, codec.EncodedOrigin, pool);
        pool?.Return(stored);
        return upright;
    }

    private static byte[] Allocate(int length, ArrayPool<byte>? pool) => pool?.Rent(length) ?? new byte[length];

    // Rows are decoded a few at a time into a small RGBA buffer and packed to RGB at once, so the only large
    // allocation is the RGB image itself: a 40 MP image costs 120 MB, not 120 MB plus a 160 MB RGBA copy.
    private static unsafe byte[] DecodeByScanlines(SKCodec codec, int width, int height, SKEncodedImageFormat format, ArrayPool<byte>? pool)
    {
        const int rowsPerChunk = 16;
        var rgb = Allocate(checked(width * height * 3), pool);
        var rowBytes = width * 4;
        var chunk = ArrayPool<byte>.Shared.Rent(rowBytes * rowsPerChunk);
        try
        {
            fixed (byte* pixels = chunk)
            {
                for (var y = 0; y < height; y += rowsPerChunk)
                {
                    var rows = Math.Min(rowsPerChunk, height - y);
                    if (codec.GetScanlines((IntPtr)pixels, rows, rowBytes) < rows)
                    {
                        pool?.Return(rgb);
                        throw new ImageDecodeException(ImageDecodeError.Invalid, $"The {Name(format)} image data is corrupt or truncated.");
                    }

                    PackRgb(chunk.AsSpan(0, rows * rowBytes), rgb.AsSpan(y * width * 3, rows * width * 3));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return rgb;
    }

    // Codecs without scanline support decode the whole RGBA image; it is packed to RGB in place (each pixel moves
    // to a lower index, after it has been read), so no second full-size buffer is needed when pooling.
    private static byte[] DecodeWhole(SKCodec codec, SKImageInfo info, SKEncodedImageFormat format, ArrayPool<byte>? pool)
    {
        var pixels = info.Width * info.Height;
        var buffer = Allocate(checked(pixels * 4), pool);
        var result = codec.GetPixels(info, buffer);
        if (result != SKCodecResult.Success)
        {
            pool?.Return(buffer);
            throw new ImageDecodeException(ImageDecodeError.Invalid, $"The {Name(format)} image data is corrupt or truncated ({result}).");
        }

        for (int s = 0, d = 0; d < pixels * 3; s += 4, d += 3)
        {
            buffer[d] = buffer[s];
            buffer[d + 1] = buffer[s + 1];
            buffer[d + 2] = buffer[s + 2];
        }

        return pool is null ? buffer[..(pixels * 3)] : buffer;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per-pixel loops run once a request: see PillowBicubic.
    private static void PackRgb(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        for (int s = 0, d = 0; d < rgb.Length; s += 4, d += 3)
        {
            rgb[d] = rgba[s];
            rgb[d + 1] = rgba[s + 1];
            rgb[d + 2] = rgba[s + 2];
        }
    }

    private static string Name(SKEncodedImageFormat format) => format.ToString().ToUpperInvariant();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RgbImage Reorient(byte[] stored, int width, int height, SKEncodedOrigin origin, ArrayPool<byte>? pool)
    {
        var (outW, outH) = ExifOrientation.SwapsAxes(origin) ? (height, width) : (width, height);
        var rgb = Allocate(outW * outH * 3, pool);
        var d = 0;
        for (var y = 0; y < outH; y++)
        {
            for (var x = 0; x < outW; x++, d += 3)
            {
                var (sx, sy) = ExifOrientation.Source(origin, x, y, width, height);
                var s = ((sy * width) + sx) * 3;
                rgb[d] = stored[s];
                rgb[d + 1] = stored[s + 1];
                rgb[d + 2] = stored[s + 2];
            }
        }

        return new RgbImage(outW, outH, rgb);
    }
}
