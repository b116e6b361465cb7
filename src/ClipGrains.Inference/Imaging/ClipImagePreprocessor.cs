using System.Buffers;
using System.Runtime.CompilerServices;
using ClipGrains.Inference.Model;

namespace ClipGrains.Inference.Imaging;

/// <summary>
/// Hugging Face <c>CLIPImageProcessor</c> on the Pillow path: resize the shortest edge (long edge
/// <c>int(edge · long / short)</c>) with Pillow's bicubic, center crop (<c>top = (h − crop) // 2</c>, zero
/// padding when the image is smaller), then <c>(v · rescale − mean) / std</c> in float32, written as CHW.
/// </summary>
public sealed class ClipImagePreprocessor
{
    // Per channel, the float value of each 8-bit level: rescale in float64 then normalise in float32,
    // the same arithmetic (and so the same rounding) as the numpy code of the reference.
    private readonly float[][] _levels;

    /// <summary>Creates a preprocessor for <paramref name="settings"/>.</summary>
    public ClipImagePreprocessor(PreprocessorSettings settings)
    {
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _levels = new float[3][];
        for (var c = 0; c < 3; c++)
        {
            _levels[c] = new float[256];
            for (var v = 0; v < 256; v++)
            {
                var x = settings.DoRescale ? (float)(v * settings.RescaleFactor) : v;
                _levels[c][v] = settings.DoNormalize ? (x - settings.Mean[c]) / settings.Std[c] : x;
            }
        }
    }

    /// <summary>The settings in use.</summary>
    public PreprocessorSettings Settings { get; }

    /// <summary>Number of floats one image occupies in the model input (3 × height × width).</summary>
    public int TensorLength => 3 * Settings.OutputHeight * Settings.OutputWidth;

    /// <summary>The size (width, height) the shortest-edge resize produces for an input of the given size.</summary>
    public (int Width, int Height) ResizedSize(int width, int height)
    {
        if (!Settings.DoResize)
        {
            return (width, height);
        }

        var edge = Settings.ShortestEdge;
        var (shortSide, longSide) = width <= height ? (width, height) : (height, width);
        var newLong = (int)((double)((long)edge * longSide) / shortSide);
        return width <= height ? (edge, newLong) : (newLong, edge);
    }

    /// <summary>Resizes and crops to the 8-bit image the model sees (what <c>preprocess --output x.png</c> writes).</summary>
    public RgbImage ResizeAndCrop(RgbImage image) => ResizeAndCrop(image, pool: null);

    // With a pool, the result (unless it is the input itself) is rented from it and the caller returns it.
    private RgbImage ResizeAndCrop(RgbImage image, ArrayPool<byte>? pool)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h) = ResizedSize(image.Width, image.Height);
        var (cropWidth, cropHeight) = (Settings.CropWidth, Settings.CropHeight);
        if (Settings.DoCenterCrop && cropWidth <= w && cropHeight <= h)
        {
            // The crop lies inside the resized image: resample only the pixels it keeps (a third of a 3:2 photo's
            // resize is thrown away otherwise). Same offsets as CenterCrop.
            return PillowBicubic.Resize(image, w, h, (w - cropWidth) / 2, (h - cropHeight) / 2, cropWidth, cropHeight, pool);
        }

        var resized = PillowBicubic.Resize(image, w, h, 0, 0, w, h, pool);
        if (!Settings.DoCenterCrop)
        {
            return resized;
        }

        var cropped = CenterCrop(resized, cropWidth, cropHeight, pool);
        if (pool is not null && !ReferenceEquals(cropped, resized) && !ReferenceEquals(resized.Pixels, image.Pixels))
        {
            pool.Return(resized.Pixels);
        }

        return cropped;
    }

    /// <summary>Writes the normalized CHW tensor of <paramref name="image"/> into <paramref name="destination"/>.</summary>
    /// <remarks>
    /// The resampling passes' buffers are rented from the shared pool and returned before this returns: a request's
    /// image costs no allocation here (a 640×427 photo allocated ~450 KB of them, on the large-object heap).
    /// </remarks>
    public void Process(RgbImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pool = ArrayPool<byte>.Shared;
        var ready = ResizeAndCrop(image, pool);
        try
        {
            if (ready.Width != Settings.OutputWidth || ready.Height != Settings.OutputHeight)
            {
                throw new InvalidOperationException(
                    $"Preprocessing produced {ready.Width}×{ready.Height}, the model needs {Settings.OutputWidth}×{Settings.OutputHeight}; enable center crop in preprocessor_config.json.");
            }

            Normalize(ready, destination);
        }
        finally
        {
            if (!ReferenceEquals(ready.Pixels, image.Pixels))
            {
                pool.Return(ready.Pixels);
            }
        }
    }

    /// <summary>Normalizes an already resized and cropped 8-bit image into CHW floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once a request: see PillowBicubic on tiering.
    public void Normalize(RgbImage ready, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var plane = ready.Width * ready.Height;
        if (destination.Length < plane * 3)
        {
            throw new ArgumentException($"Destination holds {destination.Length} floats; {plane * 3} needed.", nameof(destination));
        }

        var pixels = ready.Pixels;
        var (r, g, b) = (_levels[0], _levels[1], _levels[2]);
        var red = destination[..plane];
        var green = destination.Slice(plane, plane);
        var blue = destination.Slice(plane * 2, plane);
        for (int i = 0, p = 0; i < plane; i++, p += 3)
        {
            red[i] = r[pixels[p]];
            green[i] = g[pixels[p + 1]];
            blue[i] = b[pixels[p + 2]];
        }
    }

    private static RgbImage CenterCrop(RgbImage image, int cropWidth, int cropHeight, ArrayPool<byte>? pool)
    {
        if (image.Width == cropWidth && image.Height == cropHeight)
        {
            return image;
        }

        // Hugging Face pads a too-small image with zeros before cropping, ceil(diff / 2) before it; a zero
        // pixel then normalises like any other 0 level.
        // A rented buffer is not zeroed: the padding must be.
        var length = cropWidth * cropHeight * 3;
        var output = new RgbImage(cropWidth, cropHeight, pool?.Rent(length) ?? new byte[length]);
        output.Pixels.AsSpan(0, length).Clear();
        var top = (image.Height - cropHeight) / 2;
        var left = (image.Width - cropWidth) / 2;
        if (image.Height < cropHeight)
        {
            top = -((cropHeight - image.Height + 1) / 2);
        }

        if (image.Width < cropWidth)
        {
            left = -((cropWidth - image.Width + 1) / 2);
        }

        for (var y = 0; y < cropHeight; y++)
        {
            var sy = y + top;
            if (sy < 0 || sy >= image.Height)
            {
                continue;
            }

            var x0 = Math.Max(0, -left);
            var x1 = Math.Min(cropWidth, image.Width - left);
            if (x1 > x0)
            {
                image.Pixels.AsSpan(((sy * image.Width) + left + x0) * 3, (x1 - x0) * 3)
                    .CopyTo(output.Pixels.AsSpan(((y * cropWidth) + x0) * 3));
            }
        }

        return output;
    }
}
