using System.Buffers;
using SkiaSharp;

namespace ClipGrains.Inference.Imaging;

/// <summary>
/// Decodes JPEG, PNG, WebP, GIF (first frame) and BMP with Skia's codecs into the RGB image Pillow would give:
/// EXIF orientation applied, alpha dropped without compositing (Pillow's <c>convert("RGB")</c>), no colour
/// management (Pillow ignores ICC profiles too). Skia's libjpeg-turbo decodes bit-exactly like Pillow's.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes <paramref name="encoded"/>; throws <see cref="ImageDecodeException"/> for anything unusable.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(ImageDecodeError.Invalid, "The image is empty (0 bytes).");
        }

        var format = ImageFormatSniffer.Sniff(encoded)
            ?? throw new ImageDecodeException(ImageDecodeError.UnsupportedFormat, "The bytes are not a JPEG, PNG, WebP, GIF or BMP image; send one of those formats.");
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

        // The RGBA buffer only lives until the RGB copy is made; pooling it keeps a stream of large photos
        // from allocating (and later compacting) tens of megabytes per request on the large object heap.
        var length = checked(width * height * 4);
        var rgba = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            unsafe
            {
                fixed (byte* pixels = rgba)
                {
                    result = codec.GetPixels(info, (IntPtr)pixels);
                }
            }

            if (result != SKCodecResult.Success)
            {
                throw new ImageDecodeException(ImageDecodeError.Invalid, $"The {format.ToString().ToUpperInvariant()} image data is corrupt or truncated ({result}).");
            }

            return ToUprightRgb(rgba, width, height, codec.EncodedOrigin);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    private static RgbImage ToUprightRgb(byte[] rgba, int width, int height, SKEncodedOrigin origin)
    {
        var swap = ExifOrientation.SwapsAxes(origin);
        var (outW, outH) = swap ? (height, width) : (width, height);
        var rgb = new byte[outW * outH * 3];
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            for (int s = 0, d = 0; d < rgb.Length; s += 4, d += 3)
            {
                rgb[d] = rgba[s];
                rgb[d + 1] = rgba[s + 1];
                rgb[d + 2] = rgba[s + 2];
            }
        }
        else
        {
            var d = 0;
            for (var y = 0; y < outH; y++)
            {
                for (var x = 0; x < outW; x++, d += 3)
                {
                    var (sx, sy) = ExifOrientation.Source(origin, x, y, width, height);
                    var s = ((sy * width) + sx) * 4;
                    rgb[d] = rgba[s];
                    rgb[d + 1] = rgba[s + 1];
                    rgb[d + 2] = rgba[s + 2];
                }
            }
        }

        return new RgbImage(outW, outH, rgb);
    }
}
