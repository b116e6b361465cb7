using ClipGrains.Inference.Imaging;
using SkiaSharp;

namespace ClipGrains.Inference.Tests.Imaging;

public sealed class ExifOrientationTests
{
    // Stored image 3 wide × 2 high:   a b c
    //                                 d e f
    // Expected upright images, as Pillow's exif_transpose gives them.
    [Theory]
    [InlineData(SKEncodedOrigin.TopLeft, "abc/def")]
    [InlineData(SKEncodedOrigin.TopRight, "cba/fed")]
    [InlineData(SKEncodedOrigin.BottomRight, "fed/cba")]
    [InlineData(SKEncodedOrigin.BottomLeft, "def/abc")]
    [InlineData(SKEncodedOrigin.LeftTop, "ad/be/cf")]
    [InlineData(SKEncodedOrigin.RightTop, "da/eb/fc")]
    [InlineData(SKEncodedOrigin.RightBottom, "fc/eb/da")]
    [InlineData(SKEncodedOrigin.LeftBottom, "cf/be/ad")]
    public void Maps_upright_pixels_to_stored_ones(SKEncodedOrigin origin, string expected)
    {
        const string stored = "abcdef";
        var rows = expected.Split('/');
        for (var y = 0; y < rows.Length; y++)
        {
            for (var x = 0; x < rows[y].Length; x++)
            {
                var (sx, sy) = ExifOrientation.Source(origin, x, y, 3, 2);
                Assert.Equal(rows[y][x], stored[(sy * 3) + sx]);
            }
        }

        Assert.Equal(rows.Length == 3, ExifOrientation.SwapsAxes(origin));
    }
}
