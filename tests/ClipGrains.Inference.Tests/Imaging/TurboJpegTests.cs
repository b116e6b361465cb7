using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Tests.Support;
using SkiaSharp;

namespace ClipGrains.Inference.Tests.Imaging;

/// <summary>
/// The system libjpeg-turbo path must give Skia's pixels exactly (Skia's are the ones held to Pillow by the golden
/// tests, which also run through this path when the library is installed), and must hand anything odd back to Skia.
/// </summary>
public sealed class TurboJpegTests
{
    public static TheoryData<int, int, SKJpegEncoderDownsample, int> Kinds()
    {
        var data = new TheoryData<int, int, SKJpegEncoderDownsample, int>();
        foreach (var (w, h) in new[] { (1, 1), (17, 9), (333, 217), (640, 480) })
        {
            foreach (var downsample in new[] { SKJpegEncoderDownsample.Downsample420, SKJpegEncoderDownsample.Downsample422, SKJpegEncoderDownsample.Downsample444 })
            {
                data.Add(w, h, downsample, 50);
                data.Add(w, h, downsample, 95);
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Colour_jpegs_decode_to_skias_pixels(int width, int height, SKJpegEncoderDownsample downsample, int quality)
    {
        var turbo = SystemTurboJpeg.Require();
        var jpeg = EncodeJpeg(TestImages.Noise(width, height, seed: width + quality), downsample, quality);

        var fast = ImageDecoder.Decode(jpeg, null, null, turbo);
        var skia = ImageDecoder.Decode(jpeg, null, null, turbo: null);

        Assert.Equal((width, height), (fast.Width, fast.Height));
        Assert.Equal(skia.Pixels, fast.Pixels);
        Assert.NotNull(turbo.TryDecode(jpeg, width, height, pool: null));
    }

    [SkippableFact]
    public void Grayscale_jpegs_decode_to_skias_pixels()
    {
        var turbo = SystemTurboJpeg.Require();
        using var gray = new SKBitmap(new SKImageInfo(45, 31, SKColorType.Gray8, SKAlphaType.Opaque));
        var noise = TestImages.Noise(45, 31, seed: 4).Pixels;
        for (var i = 0; i < 45 * 31; i++)
        {
            gray.SetPixel(i % 45, i / 45, new SKColor(noise[i * 3], noise[i * 3], noise[i * 3]));
        }

        using var data = gray.Encode(SKEncodedImageFormat.Jpeg, 90);
        var jpeg = data.ToArray();

        var fast = ImageDecoder.Decode(jpeg, null, null, turbo);

        Assert.Equal(ImageDecoder.Decode(jpeg, null, null, turbo: null).Pixels, fast.Pixels);
        Assert.NotNull(turbo.TryDecode(jpeg, 45, 31, pool: null));
    }

    [SkippableFact]
    public void Exif_orientation_is_applied_after_the_fast_decode()
    {
        var turbo = SystemTurboJpeg.Require();
        var jpeg = WithOrientation(EncodeJpeg(TestImages.Noise(40, 24, seed: 9), SKJpegEncoderDownsample.Downsample420, 90), orientation: 6);

        var fast = ImageDecoder.Decode(jpeg, null, null, turbo);
        var skia = ImageDecoder.Decode(jpeg, null, null, turbo: null);

        Assert.Equal((24, 40), (fast.Width, fast.Height));
        Assert.Equal(skia.Pixels, fast.Pixels);
    }

    [SkippableFact]
    public void A_truncated_jpeg_goes_back_to_skia_and_keeps_skias_error()
    {
        var turbo = SystemTurboJpeg.Require();
        var jpeg = EncodeJpeg(TestImages.Noise(120, 90, seed: 2), SKJpegEncoderDownsample.Downsample420, 90);
        var truncated = jpeg[..(jpeg.Length / 2)];

        // libjpeg only warns about the missing half (and would fill it with grey): the fast path declines.
        Assert.Null(turbo.TryDecode(truncated, 120, 90, pool: null));
        var fast = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(truncated, null, null, turbo));
        var skia = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(truncated, null, null, turbo: null));
        Assert.Equal((skia.Error, skia.Message), (fast.Error, fast.Message));
    }

    [SkippableFact]
    public void The_startup_log_names_the_fast_decoder_when_it_is_installed()
    {
        SystemTurboJpeg.Require();

        Assert.Equal("libjpeg-turbo (system TurboJPEG)", ImageDecoder.JpegDecoder);
    }

    [SkippableFact]
    public void A_size_other_than_the_one_skia_read_is_declined()
    {
        var turbo = SystemTurboJpeg.Require();
        var jpeg = EncodeJpeg(TestImages.Noise(20, 10, seed: 1), SKJpegEncoderDownsample.Downsample444, 90);

        Assert.Null(turbo.TryDecode(jpeg, 21, 10, pool: null));
    }

    [SkippableFact]
    public void Pooled_buffers_come_from_the_pool_and_failures_return_them()
    {
        var turbo = SystemTurboJpeg.Require();
        var jpeg = EncodeJpeg(TestImages.Noise(30, 20, seed: 5), SKJpegEncoderDownsample.Downsample420, 90);
        var pool = new CountingPool();

        var pixels = turbo.TryDecode(jpeg, 30, 20, pool);
        Assert.Null(turbo.TryDecode(jpeg.AsSpan(0, jpeg.Length / 2), 30, 20, pool));

        Assert.Same(pool.Rented[0], pixels);
        Assert.Equal(2, pool.Rented.Count);
        Assert.Equal([pool.Rented[1]], pool.Returned);
    }

    private static byte[] EncodeJpeg(RgbImage image, SKJpegEncoderDownsample downsample, int quality)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        for (int s = 0, d = 0; d < rgba.Length; s += 3, d += 4)
        {
            (rgba[d], rgba[d + 1], rgba[d + 2], rgba[d + 3]) = (image.Pixels[s], image.Pixels[s + 1], image.Pixels[s + 2], 255);
        }

        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKJpegEncoderOptions(quality, downsample, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException("Skia could not encode the JPEG.");
        return data.ToArray();
    }

    // An APP1 Exif segment after SOI: a little-endian TIFF header with one IFD entry, Orientation (0x0112) = value.
    private static byte[] WithOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0, 0, 0, 0, 0];
        byte[] exif = [.. "Exif\0\0"u8, .. tiff];
        var length = exif.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exif, .. jpeg[2..]];
    }

    private sealed class CountingPool : System.Buffers.ArrayPool<byte>
    {
        public List<byte[]> Rented { get; } = [];

        public List<byte[]> Returned { get; } = [];

        public override byte[] Rent(int minimumLength)
        {
            var array = new byte[minimumLength + 7];
            Rented.Add(array);
            return array;
        }

        public override void Return(byte[] array, bool clearArray = false) => Returned.Add(array);
    }
}
