using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Inference.Tests.Imaging;

public sealed class PillowBicubicTests
{
    [Fact]
    public void Same_size_returns_the_input()
    {
        var image = TestImages.Gradient(20, 10);

        Assert.Same(image, PillowBicubic.Resize(image, 20, 10));
    }

    [Theory]
    [InlineData(400, 300, 37, 29)]
    [InlineData(7, 5, 224, 160)]
    [InlineData(1, 1, 224, 224)]
    public void Constant_image_stays_constant_at_any_scale(int w, int h, int outW, int outH)
    {
        var pixels = new byte[w * h * 3];
        for (var i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (200, 17, 99);
        }

        var resized = PillowBicubic.Resize(new RgbImage(w, h, pixels), outW, outH);

        Assert.Equal((outW, outH), (resized.Width, resized.Height));
        for (var i = 0; i < resized.Pixels.Length; i += 3)
        {
            Assert.Equal((200, 17, 99), (resized.Pixels[i], resized.Pixels[i + 1], resized.Pixels[i + 2]));
        }
    }

    [Fact]
    public void Downscale_by_two_of_a_step_matches_pillow_values()
    {
        // Worked by hand from Resample.c: scale 2 widens the support to 4 taps each side. Output 1 is centred
        // on input 3.0 over inputs 0..6 with weights (-0.0703, 0.2266, 0.8672, 0.8672, 0.2266, -0.0703, -0.0234)
        // summing to 2.0234; the 255s at inputs 4..6 give 255 × 0.1328 / 2.0234 = 16.7 → 17. Output 2 likewise
        // gives 238.3 → 238; outputs 0 and 3 overshoot and are clipped to 0 and 255 (-3.2 and 258.2).
        var pixels = new byte[8 * 3];
        for (var x = 4; x < 8; x++)
        {
            pixels[x * 3] = pixels[(x * 3) + 1] = pixels[(x * 3) + 2] = 255;
        }

        var resized = PillowBicubic.Resize(new RgbImage(8, 1, pixels), 4, 1);

        Assert.Equal(new byte[] { 0, 0, 0, 17, 17, 17, 238, 238, 238, 255, 255, 255 }, resized.Pixels);
    }
}
