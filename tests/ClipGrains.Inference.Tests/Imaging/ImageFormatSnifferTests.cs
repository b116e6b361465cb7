using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Tests.Support;
using SkiaSharp;

namespace ClipGrains.Inference.Tests.Imaging;

public sealed class ImageFormatSnifferTests
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void Recognises_what_skia_encodes(SKEncodedImageFormat format)
    {
        Assert.Equal(format, ImageFormatSniffer.Sniff(TestImages.Encode(TestImages.Gradient(8, 8), format)));
    }

    [Theory]
    [InlineData("GIF89a......", SKEncodedImageFormat.Gif)]
    [InlineData("GIF87a......", SKEncodedImageFormat.Gif)]
    [InlineData("BM............", SKEncodedImageFormat.Bmp)]
    [InlineData("RIFF....WEBPVP8 ", SKEncodedImageFormat.Webp)]
    public void Recognises_gif_bmp_and_webp_headers(string header, SKEncodedImageFormat expected)
    {
        Assert.Equal(expected, ImageFormatSniffer.Sniff(System.Text.Encoding.ASCII.GetBytes(header)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("BM")]
    [InlineData("RIFF....WAVE")]
    [InlineData("GIF88a")]
    public void Refuses_lookalikes(string header)
    {
        Assert.Null(ImageFormatSniffer.Sniff(System.Text.Encoding.ASCII.GetBytes(header)));
    }
}
