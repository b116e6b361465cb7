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

    [Theory]
    [InlineData(640, 427, 336, 224)]
    [InlineData(427, 640, 224, 336)]
    [InlineData(1000, 17, 333, 5)]
    [InlineData(50, 30, 373, 224)]
    [InlineData(7, 5, 224, 160)]
    [InlineData(224, 300, 224, 224)]
    [InlineData(300, 224, 224, 224)]
    [InlineData(97, 1, 13, 1)]
    [InlineData(1, 97, 1, 13)]
    public void Every_byte_equals_the_plain_resample(int w, int h, int outW, int outH)
    {
        var source = TestImages.Noise(w, h, seed: (w * 31) + h);

        var fast = PillowBicubic.Resize(source, outW, outH);

        Assert.Equal(NaiveResample.Resize(source, outW, outH).Pixels, fast.Pixels);
    }

    [Theory]
    [InlineData(640, 427, 336, 224, 56, 0, 224, 224)]
    [InlineData(427, 640, 224, 336, 0, 56, 224, 224)]
    [InlineData(333, 500, 224, 336, 3, 5, 200, 301)]
    [InlineData(30, 20, 60, 40, 59, 39, 1, 1)]
    [InlineData(224, 300, 224, 224, 10, 0, 100, 224)]
    [InlineData(300, 300, 300, 300, 7, 9, 100, 50)]
    public void A_window_is_exactly_the_crop_of_the_full_resize(int w, int h, int outW, int outH, int left, int top, int windowW, int windowH)
    {
        var source = TestImages.Noise(w, h, seed: left + top + w);
        var full = NaiveResample.Resize(source, outW, outH);

        var window = PillowBicubic.Resize(source, outW, outH, left, top, windowW, windowH);

        Assert.Equal((windowW, windowH), (window.Width, window.Height));
        var expected = new byte[windowW * windowH * 3];
        for (var y = 0; y < windowH; y++)
        {
            full.Pixels.AsSpan((((top + y) * outW) + left) * 3, windowW * 3).CopyTo(expected.AsSpan(y * windowW * 3));
        }

        Assert.Equal(expected, window.Pixels);
    }

    [Fact]
    public void A_window_outside_the_output_is_refused()
    {
        var source = TestImages.Gradient(20, 10);

        Assert.Throws<ArgumentOutOfRangeException>(() => PillowBicubic.Resize(source, 10, 5, 5, 0, 6, 5));
    }
}
