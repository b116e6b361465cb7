using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Model;

namespace ClipGrains.Inference.Tests.Imaging;

public sealed class ClipImagePreprocessorTests
{
    private static PreprocessorSettings Settings(int edge = 224, int crop = 224) =>
        new(edge, crop, crop, true, true, true, 1 / 255.0, true, [0.48145466f, 0.4578275f, 0.40821073f], [0.26862954f, 0.26130258f, 0.27577711f]);

    [Theory]
    [InlineData(640, 480, 298, 224)]
    [InlineData(333, 500, 224, 336)]
    [InlineData(4000, 3000, 298, 224)]
    [InlineData(50, 30, 373, 224)]
    [InlineData(224, 224, 224, 224)]
    [InlineData(1, 100000, 224, 22400000)]
    public void Shortest_edge_resize_truncates_the_long_edge_like_python_int(int w, int h, int expectedW, int expectedH)
    {
        Assert.Equal((expectedW, expectedH), new ClipImagePreprocessor(Settings()).ResizedSize(w, h));
    }

    [Theory]
    [InlineData(640, 427, 224, 224)] // the crop lies inside the resize: one windowed resample
    [InlineData(3, 3, 3, 6)] // the crop is larger: padded with zeros, from a pooled (dirty) buffer
    public void Process_on_pooled_buffers_writes_the_tensor_of_resize_crop_and_normalise(int width, int height, int edge, int crop)
    {
        var preprocessor = new ClipImagePreprocessor(Settings(edge, crop));
        var random = new Random(7);
        var pixels = new byte[width * height * 3];
        random.NextBytes(pixels);
        var image = new RgbImage(width, height, pixels);
        var expected = new float[preprocessor.TensorLength];
        preprocessor.Normalize(preprocessor.ResizeAndCrop(image), expected);

        // Leave dirty buffers of the sizes the passes rent in the pool: padding must still come out as zeros.
        var dirty = System.Buffers.ArrayPool<byte>.Shared.Rent(crop * crop * 3);
        dirty.AsSpan().Fill(0xFF);
        System.Buffers.ArrayPool<byte>.Shared.Return(dirty);
        var actual = new float[preprocessor.TensorLength];
        preprocessor.Process(image, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Process_allocates_none_of_its_resampling_buffers()
    {
        // A 640×427 photo: the two passes' buffers alone were ~440 KB a call (287 KB + 150 KB) before they were pooled.
        var preprocessor = new ClipImagePreprocessor(Settings());
        var image = new RgbImage(640, 427, new byte[640 * 427 * 3]);
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Process(image, tensor);

        var before = GC.GetAllocatedBytesForCurrentThread();
        preprocessor.Process(image, tensor);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // What remains is Parallel.For's bookkeeping and the two closures, a few KB whatever the image size.
        Assert.InRange(allocated, 0, 16 * 1024);
    }

    [Fact]
    public void Center_crop_takes_floor_offsets()
    {
        var preprocessor = new ClipImagePreprocessor(Settings(edge: 4, crop: 2));
        // 5×4 → shortest edge 4 → 5×4 (no resize), crop 2×2 at left=(5-2)//2=1, top=(4-2)//2=1.
        var pixels = new byte[5 * 4 * 3];
        for (var i = 0; i < 20; i++)
        {
            pixels[i * 3] = (byte)i;
        }

        var cropped = preprocessor.ResizeAndCrop(new RgbImage(5, 4, pixels));

        Assert.Equal(new byte[] { 6, 7, 11, 12 }, Enumerable.Range(0, 4).Select(i => cropped.Pixels[i * 3]).ToArray());
    }

    [Fact]
    public void Crop_larger_than_image_pads_with_zero_ceil_half_before()
    {
        var preprocessor = new ClipImagePreprocessor(Settings(edge: 3, crop: 6));
        var pixels = Enumerable.Repeat((byte)9, 3 * 3 * 3).ToArray();

        var padded = preprocessor.ResizeAndCrop(new RgbImage(3, 3, pixels));

        // Padding 3 → ceil(1.5) = 2 before, 1 after, on both axes.
        var red = Enumerable.Range(0, 36).Select(i => padded.Pixels[i * 3]).ToArray();
        for (var y = 0; y < 6; y++)
        {
            for (var x = 0; x < 6; x++)
            {
                var inside = x is >= 2 and < 5 && y is >= 2 and < 5;
                Assert.Equal(inside ? 9 : 0, red[(y * 6) + x]);
            }
        }
    }

    [Fact]
    public void Normalisation_is_rescale_in_double_then_float_mean_std_in_chw_order()
    {
        var settings = Settings(edge: 1, crop: 1);
        var preprocessor = new ClipImagePreprocessor(settings);
        var output = new float[3];

        preprocessor.Normalize(new RgbImage(1, 1, [255, 0, 128]), output);

        Assert.Equal((1f - 0.48145466f) / 0.26862954f, output[0]);
        Assert.Equal((0f - 0.4578275f) / 0.26130258f, output[1]);
        Assert.Equal(((float)(128 / 255.0) - 0.40821073f) / 0.27577711f, output[2]);
    }
}
