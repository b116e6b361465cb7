using ClipGrains.Inference.Model;
using Microsoft.ML.OnnxRuntime;

namespace ClipGrains.Inference.Onnx;

/// <summary>Creates CPU sessions with the serving defaults and turns load failures into <see cref="ModelLoadException"/>.</summary>
internal static class OnnxSessionFactory
{
    public static InferenceSession Create(string path, ClipModelOptions options)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Math.Max(0, options.IntraOpThreads),
            InterOpNumThreads = Math.Max(1, options.InterOpThreads),
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        try
        {
            return new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException(path, $"ONNX Runtime cannot load this graph: {e.Message}", e);
        }
    }
}
