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
        Assert.Equal("The image is empty (0 bytes).", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([])).Message);
    }

    [Fact]
    public void Random_bytes_are_refused()
    {
        var bytes = new byte[1000];
        new Random(3).NextBytes(bytes);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes));

        Assert.StartsWith("The bytes are not a readable image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_png_is_refused()
    {
        var png = TestImages.Encode(TestImages.Gradient(64, 64), SKEncodedImageFormat.Png);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png.AsSpan(0, png.Length / 2)));

        Assert.StartsWith("The image data is corrupt or truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Declared_size_over_the_limit_is_refused_before_decoding()
    {
        var png = TestImages.Encode(TestImages.Gradient(300, 200), SKEncodedImageFormat.Png);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, new ImageLimits(MaxPixels: 50_000, MaxSide: 1000)));

        Assert.Equal("The image is 300×200 pixels; the limit is 1000 pixels per side and 50,000 pixels in all.", error.Message);
    }
}
