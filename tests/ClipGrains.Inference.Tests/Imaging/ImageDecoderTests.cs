using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Tests.Support;
using SkiaSharp;

namespace ClipGrains.Inference.Tests.Imaging;

public sealed class ImageDecoderTests
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void Lossless_formats_round_trip_exactly(SKEncodedImageFormat format)
    {
        var image = TestImages.Gradient(31, 17);

        var decoded = ImageDecoder.Decode(TestImages.Encode(image, format, quality: 100));

        Assert.Equal((31, 17), (decoded.Width, decoded.Height));
        Assert.Equal(image.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Jpeg_decodes_to_its_size()
    {
        var decoded = ImageDecoder.Decode(TestImages.Encode(TestImages.Gradient(40, 30), SKEncodedImageFormat.Jpeg));

        Assert.Equal((40, 30), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Alpha_is_dropped_without_compositing()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(1, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.SetPixel(0, 0, new SKColor(200, 100, 50, 10));
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        var decoded = ImageDecoder.Decode(png.ToArray());

        Assert.Equal(new byte[] { 200, 100, 50 }, decoded.Pixels);
    }

    [Fact]
    public void Empty_input_is_refused()
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([]));

        Assert.Equal("The image is empty (0 bytes).", error.Message);
        Assert.Equal(ImageDecodeError.Invalid, error.Error);
    }

    [Fact]
    public void Random_bytes_are_refused()
    {
        var bytes = new byte[1000];
        new Random(3).NextBytes(bytes);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes));

        Assert.Equal(ImageDecodeError.UnsupportedFormat, error.Error);
    }

    [Fact]
    public void Truncated_png_is_refused()
    {
        var png = TestImages.Encode(TestImages.Gradient(64, 64), SKEncodedImageFormat.Png);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png.AsSpan(0, png.Length / 2)));

        Assert.Equal(ImageDecodeError.Invalid, error.Error);
        Assert.StartsWith("The PNG image data is corrupt or truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Declared_size_over_the_limit_is_refused_before_decoding()
    {
        var png = TestImages.Encode(TestImages.Gradient(300, 200), SKEncodedImageFormat.Png);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, new ImageLimits(MaxPixels: 50_000, MaxSide: 1000)));

        Assert.Equal("The image is 300×200 pixels; the limit is 1000 pixels per side and 50,000 pixels in all.", error.Message);
        Assert.Equal(ImageDecodeError.TooLarge, error.Error);
    }

    [Theory]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'/>")]
    [InlineData("%PDF-1.7")]
    [InlineData("<!DOCTYPE html><html>")]
    [InlineData("II*\0 TIFF little-endian")]
    public void Formats_outside_the_allow_list_are_unsupported(string content)
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(System.Text.Encoding.ASCII.GetBytes(content)));

        Assert.Equal(ImageDecodeError.UnsupportedFormat, error.Error);
    }

    [Fact]
    public void A_signature_alone_is_a_corrupt_image_not_an_unsupported_one()
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]));

        Assert.Equal(ImageDecodeError.Invalid, error.Error);
    }
}
