using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClipGrains.Inference.Model;
using Microsoft.ML.OnnxRuntime;

namespace ClipGrains.Inference.Onnx;

/// <summary>
/// Creates CPU sessions with the serving defaults and turns load failures into <see cref="ModelLoadException"/>. With
/// <see cref="ClipModelOptions.OptimizedGraphCache"/> set, the first load of a graph has ONNX Runtime write its optimised
/// form there and later loads read that form with optimisation off: the slow part of a cold start is paid once per
/// machine, not once per load.
/// </summary>
internal static class OnnxSessionFactory
{
    /// <summary>Creates the session for <paramref name="path"/>.</summary>
    /// <param name="path">The graph.</param>
    /// <param name="options">Threads, spinning and the optimised-graph cache.</param>
    /// <param name="report">How long it took and whether the cache served it.</param>
    /// <param name="intraOpThreads">Overrides <see cref="ClipModelOptions.IntraOpThreads"/> (a second session of other width).</param>
    /// <param name="weights">Shares pre-packed weights with the other sessions of the same graph created with it.</param>
    public static InferenceSession Create(
        string path, ClipModelOptions options, out SessionLoad report, int? intraOpThreads = null, PrePackedWeightsContainer? weights = null)
    {
        var started = Stopwatch.GetTimestamp();
        var cached = options.OptimizedGraphCache is { Length: > 0 } folder ? CachedPath(folder, path) : null;
        var fromCache = cached is not null && File.Exists(cached);
        using var sessionOptions = new SessionOptions
        {
            // A cached graph is already optimised for this machine; optimising it again would redo the slow part.
            GraphOptimizationLevel = fromCache ? GraphOptimizationLevel.ORT_DISABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Math.Max(0, intraOpThreads ?? options.IntraOpThreads),
            InterOpNumThreads = Math.Max(1, options.InterOpThreads),
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        var writing = cached is not null && !fromCache ? $"{cached}.{Guid.NewGuid():N}.tmp" : null;
        if (writing is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(writing)!);
            sessionOptions.OptimizedModelFilePath = writing;
        }

        try
        {
            var session = weights is null
                ? new InferenceSession(fromCache ? cached! : path, sessionOptions)
                : new InferenceSession(fromCache ? cached! : path, sessionOptions, weights);
            if (writing is not null && File.Exists(writing))
            {
                // Whole or not at all: a reader never sees a half-written graph, and concurrent first loads both succeed.
                File.Move(writing, cached!, overwrite: true);
            }

            report = new SessionLoad(Stopwatch.GetElapsedTime(started), fromCache);
            return session;
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException(path, $"ONNX Runtime cannot load this graph: {e.Message}", e);
        }
        finally
        {
            if (writing is not null && File.Exists(writing))
            {
                File.Delete(writing);
            }
        }
    }

    // The cache key changes with the source graph (path, size, modification time) and with ONNX Runtime's version.
    private static string CachedPath(string folder, string path)
    {
        var file = new FileInfo(path);
        var key = string.Create(CultureInfo.InvariantCulture, $"{file.FullName}|{(file.Exists ? file.Length : 0)}|{(file.Exists ? file.LastWriteTimeUtc.Ticks : 0)}|{typeof(InferenceSession).Assembly.GetName().Version}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(path)}-{hash}.onnx");
    }
}
