using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClipGrains.Inference.Model;
using Microsoft.ML.OnnxRuntime;

namespace ClipGrains.Inference.Onnx;

/// <summary>
/// Creates CPU sessions with the serving defaults and turns load failures into <see cref="ModelLoadException"/>. With
/// <see cref="ClipModelOptions.OptimizedGraphCache"/> set, a load reads a graph's optimised form from there (optimisation
/// off) when <see cref="Prepare"/> has written it; a load never writes it itself: serialising hundreds of megabytes of
/// weights took 0.5–5 s on the first request's path (docs/benchmarks.md, issue 23), so it is done off that path.
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
        var cached = CachedPath(options, path);
        var fromCache = cached is not null && File.Exists(cached);
        using var sessionOptions = Options(options, fromCache, intraOpThreads ?? options.IntraOpThreads);
        try
        {
            var session = weights is null
                ? new InferenceSession(fromCache ? cached! : path, sessionOptions)
                : new InferenceSession(fromCache ? cached! : path, sessionOptions, weights);
            report = new SessionLoad(Stopwatch.GetElapsedTime(started), fromCache);
            return session;
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException(path, $"ONNX Runtime cannot load this graph: {e.Message}", e);
        }
    }

    /// <summary>Whether a load of <paramref name="path"/> would read its optimised form from the cache.</summary>
    public static bool IsPrepared(string path, ClipModelOptions options) => CachedPath(options, path) is { } cached && File.Exists(cached);

    /// <summary>
    /// Writes the optimised form of <paramref name="path"/> to <see cref="ClipModelOptions.OptimizedGraphCache"/> unless it
    /// is there: a session on one thread is created with ONNX Runtime writing what it optimised, then dropped, so the
    /// memory is held only for the seconds this takes. Whole or not at all: a reader never sees a half-written graph and
    /// two concurrent preparations both succeed. Null when the cache is off or already holds the graph.
    /// </summary>
    public static TimeSpan? Prepare(string path, ClipModelOptions options)
    {
        var cached = CachedPath(options, path);
        if (cached is null || File.Exists(cached))
        {
            return null;
        }

        var started = Stopwatch.GetTimestamp();
        var writing = $"{cached}.{Guid.NewGuid():N}.tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(writing)!);
        try
        {
            using (var sessionOptions = Options(options, fromCache: false, intraOpThreads: 1))
            {
                sessionOptions.OptimizedModelFilePath = writing;
                using var session = new InferenceSession(path, sessionOptions);
            }

            File.Move(writing, cached, overwrite: true);
            return Stopwatch.GetElapsedTime(started);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException(path, $"ONNX Runtime cannot optimise this graph: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(writing))
            {
                File.Delete(writing);
            }
        }
    }

    private static SessionOptions Options(ClipModelOptions options, bool fromCache, int intraOpThreads)
    {
        var sessionOptions = new SessionOptions
        {
            // A cached graph is already optimised for this machine; optimising it again would redo the slow part.
            GraphOptimizationLevel = fromCache ? GraphOptimizationLevel.ORT_DISABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Math.Max(0, intraOpThreads),
            InterOpNumThreads = Math.Max(1, options.InterOpThreads),
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        return sessionOptions;
    }

    // The cache key changes with the source graph (path, size, modification time) and with ONNX Runtime's version.
    private static string? CachedPath(ClipModelOptions options, string path)
    {
        if (options.OptimizedGraphCache is not { Length: > 0 } folder)
        {
            return null;
        }

        var file = new FileInfo(path);
        var key = string.Create(CultureInfo.InvariantCulture, $"{file.FullName}|{(file.Exists ? file.Length : 0)}|{(file.Exists ? file.LastWriteTimeUtc.Ticks : 0)}|{typeof(InferenceSession).Assembly.GetName().Version}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(path)}-{hash}.onnx");
    }
}
