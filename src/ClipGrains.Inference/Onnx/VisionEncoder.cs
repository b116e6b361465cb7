using ClipGrains.Inference.Model;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ClipGrains.Inference.Onnx;

/// <summary>
/// The vision tower: <c>pixel_values</c> [batch, 3, H, W] → <c>image_embeds</c> [batch, dim] (unnormalised).
/// One session serves concurrent callers (ONNX Runtime sessions are thread-safe for Run). A second, single-threaded
/// session of the same graph can be added (<see cref="AddOneCoreSession"/>): it shares the first one's pre-packed weights,
/// so it costs the graph's small tensors and arenas rather than a second copy of the weights, and several batches can
/// then run side by side, one core each, while a lone batch still runs on every core.
/// </summary>
internal sealed class VisionEncoder : IDisposable
{
    public const string InputName = "pixel_values";
    public const string OutputName = "image_embeds";

    private readonly InferenceSession _session;
    private readonly PrePackedWeightsContainer _weights = new();
    private readonly Lock _adding = new();
    private readonly string _path;
    private readonly ClipModelOptions _options;
    private InferenceSession? _oneCore;
    private bool _disposed;

    /// <summary>How the session was created.</summary>
    public SessionLoad Load { get; }
    private readonly TensorElementType _inputType;
    private readonly int _height;
    private readonly int _width;

    public VisionEncoder(ModelBundle bundle, ClipModelOptions options)
    {
        var path = bundle.VisionModelPath;
        (_path, _options) = (path, options);
        try
        {
            _session = OnnxSessionFactory.Create(path, options, out var created, weights: _weights);
            Load = created;
        }
        catch
        {
            _weights.Dispose();
            throw;
        }

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
            _weights.Dispose();
            throw;
        }
    }

    /// <summary>Whether the single-threaded session exists.</summary>
    public bool HasOneCoreSession => Volatile.Read(ref _oneCore) is not null;

    /// <summary>
    /// Creates the single-threaded session once (later calls return null); seconds of work for a full-size graph, so
    /// callers run it off the request path. Its graph comes from the optimised-graph cache when the first session wrote it.
    /// </summary>
    public SessionLoad? AddOneCoreSession()
    {
        lock (_adding)
        {
            if (_oneCore is not null || _disposed)
            {
                return null;
            }

            var session = OnnxSessionFactory.Create(_path, _options, out var load, intraOpThreads: 1, weights: _weights);
            try
            {
                // ONNX Runtime allocates its arenas on a session's first run: done here, not in the first batch sent to it.
                using var input = TensorValues.FromFloats(new float[ImageLength], ImageLength, [1, 3, _height, _width], _inputType);
                using var run = new RunOptions();
                using var _ = session.Run(run, [InputName], [input], [OutputName]);
            }
            catch
            {
                session.Dispose();
                throw;
            }

            Volatile.Write(ref _oneCore, session);
            return load;
        }
    }

    /// <summary>Floats per image in the input tensor.</summary>
    public int ImageLength => 3 * _height * _width;

    /// <summary>
    /// Runs <paramref name="count"/> images laid out back to back in <paramref name="pixels"/> (CHW each), on the
    /// single-threaded session when <paramref name="oneCore"/> and it exists, else on the first one.
    /// </summary>
    public float[][] Encode(float[] pixels, int count, bool oneCore = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var length = count * ImageLength;
        if (pixels.Length < length)
        {
            throw new ArgumentException($"{count} images need {length} floats; got {pixels.Length}.", nameof(pixels));
        }

        using var input = TensorValues.FromFloats(pixels, length, [count, 3, _height, _width], _inputType);
        using var run = new RunOptions();
        var session = oneCore ? Volatile.Read(ref _oneCore) ?? _session : _session;
        using var results = session.Run(run, [InputName], [input], [OutputName]);
        return TensorValues.Rows(results[0]);
    }

    public void Dispose()
    {
        lock (_adding)
        {
            _disposed = true;
            _oneCore?.Dispose();
            _session.Dispose();
            _weights.Dispose();
        }
    }
}
