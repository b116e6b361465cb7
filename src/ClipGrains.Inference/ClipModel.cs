using System.Buffers;
using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Model;
using ClipGrains.Inference.Onnx;
using ClipGrains.Scoring;
using ClipGrains.Inference.Text;

namespace ClipGrains.Inference;

/// <summary>
/// A loaded CLIP model: tokenizer, image preprocessor and both ONNX towers, with batched encoders returning
/// unit-length embeddings and zero-shot scoring. Thread-safe; load once per process (the ViT-B/32 sessions
/// take about 600 MB).
/// </summary>
public sealed class ClipModel : IDisposable
{
    private readonly VisionEncoder _vision;
    private readonly TextEncoder _text;

    private ClipModel(ModelBundle bundle, ClipModelOptions options, ClipTokenizer tokenizer, VisionEncoder vision, TextEncoder text)
    {
        Bundle = bundle;
        Options = options;
        Tokenizer = tokenizer;
        Preprocessor = new ClipImagePreprocessor(bundle.Preprocessor);
        _vision = vision;
        _text = text;
    }

    /// <summary>The model's files and settings.</summary>
    public ModelBundle Bundle { get; }

    /// <summary>The options it was loaded with.</summary>
    public ClipModelOptions Options { get; }

    /// <summary>The text tokenizer.</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <summary>The image preprocessor.</summary>
    public ClipImagePreprocessor Preprocessor { get; }

    /// <summary>Embedding width.</summary>
    public int Dimension => Bundle.Config.ProjectionDim;

    /// <summary>How the vision session was created (time, optimised-graph cache).</summary>
    public SessionLoad VisionLoad => _vision.Load;

    /// <summary>How the text session was created (time, optimised-graph cache).</summary>
    public SessionLoad TextLoad => _text.Load;

    /// <summary>
    /// Runs one image and one prompt through the sessions: ONNX Runtime allocates its buffers and kernels on a session's
    /// first run, so a model warmed before it is announced serves its first request at its normal speed.
    /// </summary>
    public void WarmUp()
    {
        var pixels = new float[Preprocessor.TensorLength];
        _ = EncodePixels(pixels, 1);
        _ = EncodeTokens([Tokenizer.Encode("a photo")]);
    }

    /// <summary>Whether text batches are trimmed to their longest prompt (the graph has a dynamic sequence axis).</summary>
    public bool TrimsTextPadding => _text.SupportsTrimming;

    /// <summary>Loads the tokenizer and both sessions of <paramref name="bundle"/>.</summary>
    public static ClipModel Load(ModelBundle bundle, ClipModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        options ??= new ClipModelOptions();
        var tokenizer = LoadTokenizer(bundle);

        // The two sessions are independent and their creation is mostly single-threaded (reading, optimising): built
        // side by side, a cold start takes the longer of the two instead of their sum. The vision session gets a thread
        // of its own, not a pool thread: a pool thread blocked for seconds starves requests being served meanwhile.
        var vision = Task.Factory.StartNew(() => new VisionEncoder(bundle, options), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        TextEncoder text;
        try
        {
            text = new TextEncoder(bundle, options);
        }
        catch
        {
            vision.ContinueWith(v => v.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }

        try
        {
            return new ClipModel(bundle, options, tokenizer, vision.GetAwaiter().GetResult(), text);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the optimised forms of both graphs of <paramref name="bundle"/> to
    /// <see cref="ClipModelOptions.OptimizedGraphCache"/> where they are missing, one after the other on the calling
    /// thread (seconds of work and, briefly, a session's memory: callers run it off the request path), so that later
    /// loads skip graph optimisation. Returns the time spent on each graph written; empty when nothing was needed.
    /// </summary>
    public static IReadOnlyList<(string Graph, TimeSpan Duration)> PrepareGraphs(ModelBundle bundle, ClipModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(options);
        var written = new List<(string, TimeSpan)>();
        foreach (var graph in new[] { bundle.VisionModelPath, bundle.TextModelPath })
        {
            if (OnnxSessionFactory.Prepare(graph, options) is { } duration)
            {
                written.Add((Path.GetFileName(graph), duration));
            }
        }

        return written;
    }

    /// <summary>Whether both graphs of <paramref name="bundle"/> load from the optimised-graph cache (false when it is off).</summary>
    public static bool GraphsPrepared(ModelBundle bundle, ClipModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(options);
        return OnnxSessionFactory.IsPrepared(bundle.VisionModelPath, options) && OnnxSessionFactory.IsPrepared(bundle.TextModelPath, options);
    }

    /// <summary>Loads only the tokenizer of a bundle (no ONNX sessions), for tools that need nothing else.</summary>
    public static ClipTokenizer LoadTokenizer(ModelBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var files = bundle.TokenizerFiles() ?? throw new ModelLoadException(bundle.Directory, "no tokenizer files.");
        return files.Length == 1
            ? ClipTokenizer.FromTokenizerJson(files[0], bundle.Config.ContextLength)
            : ClipTokenizer.FromVocabAndMerges(files[0], files[1], bundle.Config.ContextLength);
    }

    /// <summary>Decodes, preprocesses and embeds encoded images (JPEG, PNG, …) as one batch.</summary>
    public float[][] EncodeImages(IReadOnlyList<ReadOnlyMemory<byte>> encodedImages, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(encodedImages);
        var decoded = new RgbImage[encodedImages.Count];
        for (var i = 0; i < decoded.Length; i++)
        {
            decoded[i] = ImageDecoder.Decode(encodedImages[i].Span, limits);
        }

        return EncodeImages(decoded);
    }

    /// <summary>Preprocesses and embeds decoded images as one batch.</summary>
    public float[][] EncodeImages(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            return [];
        }

        var length = Preprocessor.TensorLength;
        var buffer = ArrayPool<float>.Shared.Rent(images.Count * length);
        try
        {
            for (var i = 0; i < images.Count; i++)
            {
                Preprocessor.Process(images[i], buffer.AsSpan(i * length, length));
            }

            return Normalized(_vision.Encode(buffer, images.Count));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Embeds already preprocessed pixels: <paramref name="count"/> CHW tensors back to back; with
    /// <paramref name="oneCore"/>, on the single-threaded vision session once <see cref="AddOneCoreVisionSession"/> made it.
    /// </summary>
    public float[][] EncodePixels(float[] pixels, int count, bool oneCore = false) => Normalized(_vision.Encode(pixels, count, oneCore));

    /// <summary>
    /// Adds a single-threaded vision session sharing the first one's pre-packed weights, so that batches can run side by
    /// side one core each; null when it already exists. Seconds of work for a full-size graph: run it off the request path.
    /// </summary>
    public SessionLoad? AddOneCoreVisionSession() => _vision.AddOneCoreSession();

    /// <summary>Whether <see cref="AddOneCoreVisionSession"/> has made the single-threaded vision session.</summary>
    public bool HasOneCoreVisionSession => _vision.HasOneCoreSession;

    /// <summary>Tokenizes and embeds prompts as one batch.</summary>
    public float[][] EncodeTexts(IReadOnlyList<string> texts) => Normalized(EncodeTextsRaw(texts, trim: true));

    /// <summary>Embeds already tokenized prompts as one batch (trimmed to the longest when the graph allows).</summary>
    public float[][] EncodeTokens(IReadOnlyList<TokenizedText> tokens) => Normalized(_text.Encode(tokens, trim: true));

    /// <summary>
    /// Builds label embeddings: every label in every template, encoded in batches of <paramref name="batchSize"/>,
    /// each label's template embeddings ensembled (mean of unit vectors, renormalised).
    /// <paramref name="progress"/> receives the number of prompts encoded so far.
    /// </summary>
    public LabelEmbeddings EmbedLabels(
        IReadOnlyList<string> labels, IReadOnlyList<string> templates, int batchSize = 64, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (labels.Count == 0 || templates.Count == 0)
        {
            throw new ArgumentException("At least one label and one template are needed.");
        }

        foreach (var template in templates)
        {
            PromptTemplate.Validate(template);
        }

        var prompts = LabelEnsemble.Prompts(labels, templates);
        var embeddings = new float[prompts.Count][];
        for (var start = 0; start < prompts.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, prompts.Count - start);
            EncodeTexts(prompts.GetRange(start, count)).CopyTo(embeddings, start);
            progress?.Report(start + count);
        }

        var matrix = new float[labels.Count * Dimension];
        LabelEnsemble.Into(embeddings, templates.Count, matrix, 0, Dimension);

        return new LabelEmbeddings(labels.ToList(), matrix, Dimension);
    }

    /// <summary>Zero-shot scores of a unit image embedding against label embeddings, best first.</summary>
    public IReadOnlyList<LabelScore> Classify(float[] imageEmbedding, LabelEmbeddings labels, int topK = int.MaxValue) =>
        ZeroShot.Classify(imageEmbedding, labels, Options.LogitScale, topK);

    /// <summary>The vision tower's unnormalised output (<c>image_embeds</c>).</summary>
    internal float[][] EncodePixelsRaw(float[] pixels, int count) => _vision.Encode(pixels, count);

    /// <summary>The text tower's unnormalised output (<c>text_embeds</c>).</summary>
    internal float[][] EncodeTextsRaw(IReadOnlyList<string> texts, bool trim)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var tokens = texts.Select(Tokenizer.Encode).ToList();
        return _text.Encode(tokens, trim);
    }

    private static float[][] Normalized(float[][] rows)
    {
        foreach (var row in rows)
        {
            VectorMath.Normalize(row);
        }

        return rows;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _vision.Dispose();
        _text.Dispose();
    }
}
