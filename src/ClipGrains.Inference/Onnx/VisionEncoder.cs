using ClipGrains.Inference.Model;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ClipGrains.Inference.Onnx;

/// <summary>
/// The vision tower: <c>pixel_values</c> [batch, 3, H, W] → <c>image_embeds</c> [batch, dim] (unnormalised).
/// One session serves concurrent callers (ONNX Runtime sessions are thread-safe for Run).
/// </summary>
internal sealed class VisionEncoder : IDisposable
{
    public const string InputName = "pixel_values";
    public const string OutputName = "image_embeds";

    private readonly InferenceSession _session;

    /// <summary>How the session was created.</summary>
    public SessionLoad Load { get; }
    private readonly TensorElementType _inputType;
    private readonly int _height;
    private readonly int _width;

    public VisionEncoder(ModelBundle bundle, ClipModelOptions options)
    {
        var path = bundle.VisionModelPath;
        _session = OnnxSessionFactory.Create(path, options, out var load);
        Load = load;
        try
        {
            var input = GraphContract.Input(_session, path, InputName, 4, TensorElementType.Float, TensorElementType.Float16);
            GraphContract.Dimension(input, path, InputName, 1, 3, "channels");
            (_height, _width) = (bundle.Preprocessor.OutputHeight, bundle.Preprocessor.OutputWidth);
            GraphContract.Dimension(input, path, InputName, 2, _height, "height from preprocessor_config.json");
            GraphContract.Dimension(input, path, InputName, 3, _width, "width from preprocessor_config.json");
            var output = GraphContract.Output(_session, path, OutputName, 2, TensorElementType.Float, TensorElementType.Float16);
            GraphContract.Dimension(output, path, OutputName, 1, bundle.Config.ProjectionDim, "projection_dim from config.json");
            _inputType = input.ElementDataType;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Floats per image in the input tensor.</summary>
    public int ImageLength => 3 * _height * _width;

    /// <summary>Runs <paramref name="count"/> images laid out back to back in <paramref name="pixels"/> (CHW each).</summary>
    public float[][] Encode(float[] pixels, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var length = count * ImageLength;
        if (pixels.Length < length)
        {
            throw new ArgumentException($"{count} images need {length} floats; got {pixels.Length}.", nameof(pixels));
        }

        using var input = TensorValues.FromFloats(pixels, length, [count, 3, _height, _width], _inputType);
        using var run = new RunOptions();
        using var results = _session.Run(run, [InputName], [input], [OutputName]);
        return TensorValues.Rows(results[0]);
    }

    public void Dispose() => _session.Dispose();
}
