using System.Buffers;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Text;
using ClipGrains.Inference;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// One loaded model of a silo (see <see cref="SiloModels"/>): both ONNX sessions behind an image queue and a text
/// queue that merge concurrent requests into batches. Decoding and preprocessing run on the callers'
/// threads (bounded), so they overlap the inference of earlier batches; inference itself runs on each
/// queue's runner, never on an Orleans scheduler turn.
/// </summary>
/// <param name="options">Batching and decoding limits.</param>
/// <param name="time">The clock of deadlines and decode budgets.</param>
/// <param name="telemetry">Where batches and decodes are recorded.</param>
/// <param name="admission">The silo's decode admission, shared by every loaded model; a host of its own when null (tests, tools).</param>
/// <param name="cores">Cores the image batches share (<see cref="Environment.ProcessorCount"/> when null; tests set it).</param>
public sealed class ModelHost(
    IOptions<BatchingOptions> options, TimeProvider time, ClipGrainsTelemetry telemetry, DecodeAdmission? admission = null, int? cores = null) : IAsyncDisposable
{
    private readonly BatchingOptions _options = options.Value;
    private readonly DecodeAdmission _admission = admission ?? new DecodeAdmission(options, time);
    private ClipModel? _model;
    private BatchQueue<float[], float[]>? _images;
    private BatchQueue<TokenizedText, float[]>? _texts;
    private readonly int _cores = cores ?? Environment.ProcessorCount;
    private Task? _oneCore;

    /// <summary>The attached model; throws before <see cref="Attach"/>.</summary>
    public ClipModel Model => _model ?? throw new InvalidOperationException("The model is not loaded yet.");

    /// <summary>The decode admission this host takes slots and pixel buffers from (the silo's, when loaded by <see cref="SiloModels"/>).</summary>
    internal DecodeAdmission Admission => _admission;

    /// <summary>Counters since start.</summary>
    public ModelHostStatistics Statistics { get; } = new();

    /// <summary>Called on the runner's thread with the size of every image batch run.</summary>
    public event Action<int>? ImageBatchRan;

    /// <summary>Images queued or being inferred.</summary>
    public int ImageLoad => _images?.Load ?? 0;

    /// <summary>Attaches the loaded model and starts the queues. Called once per host, by the model's load (<see cref="SiloModels"/>).</summary>
    public void Attach(ClipModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var length = model.Preprocessor.TensorLength;
        // The default (ImageRunners 0) shares the cores by load (CoreShare): a runner per core, a lone batch on every core,
        // batches side by side on one core each while more wait. A fixed ImageRunners runs that many batches at once on the
        // one session, each with Model:IntraOpThreads threads, as before.
        var adaptive = _options.ImageRunners == 0 && _cores > 1;
        _images = new BatchQueue<float[], float[]>(
            "image",
            (tensors, allCores) =>
            {
                var batch = ArrayPool<float>.Shared.Rent(tensors.Count * length);
                try
                {
                    for (var i = 0; i < tensors.Count; i++)
                    {
                        tensors[i].AsSpan(0, length).CopyTo(batch.AsSpan(i * length));
                    }

                    return model.EncodePixels(batch, tensors.Count, oneCore: !allCores);
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(batch);
                }
            },
            _options.MaxImageBatchSize, _options.MaxQueueDelay, _options.MaxImageQueueLength, time,
            adaptive ? _cores : Math.Max(1, _options.ImageRunners), fairShare: true, cores: adaptive ? new CoreShare(_cores) : null);
        if (adaptive)
        {
            // The single-threaded session is made after the model is announced: a first request does not wait for it, and
            // one-core batches run on the first session (briefly more threads than cores) until it is there.
            _oneCore = Task.Factory.StartNew(() => model.AddOneCoreVisionSession(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        _images.OneCoreBatchRan += Statistics.RecordOneCoreBatch;
        _images.BatchRan += Statistics.RecordImageBatch;
        _images.BatchRan += size => ImageBatchRan?.Invoke(size);
        _images.BatchTimed += (size, duration, waits) => Record("image", size, duration, waits);
        _texts = new BatchQueue<TokenizedText, float[]>(
            "text", model.EncodeTokens, _options.MaxTextBatchSize, _options.MaxQueueDelay, _options.MaxTextQueueLength, time, fairShare: true);
        _texts.BatchRan += Statistics.RecordTextBatch;
        _texts.BatchTimed += (size, duration, waits) => Record("text", size, duration, waits);
        Volatile.Write(ref _model, model);
    }

    /// <summary>
    /// Decodes, preprocesses and embeds images; failures come back as <see cref="EncodeResult.Failure"/>. A request is
    /// worked through in windows of <see cref="BatchingOptions.ImageRequestWindow"/> images: one window is decoded while
    /// the one before it is inferred, so a request of 2,048 images holds at most two windows of tensors (2 × 32 × 602 KB
    /// for ViT-B/32) and at most one window of the image queue, never its whole size.
    /// </summary>
    public async Task<EncodeResult> EncodeImagesAsync(ImageBatch batch, string silo)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var model = _model;
        if (model is null || _images is null)
        {
            return Failed(silo, EncodeFailure.Overloaded, "The model is still loading; retry shortly.");
        }

        var images = _images;
        var window = Math.Max(1, _options.ImageRequestWindow);
        var vectors = new float[batch.Images.Count][];

        // The first image that cannot be decoded ends the request: images still waiting for a slot are not decoded.
        using var abort = new CancellationTokenSource();
        var decodeTicks = 0L;
        // The window being inferred while the next one is decoded; the method's end waits for it whatever happens.
        Window? inferring = null;
        try
        {
            for (var start = 0; start < batch.Images.Count; start += window)
            {
                var count = Math.Min(window, batch.Images.Count - start);
                var tensors = new float[count][];

                // Announced before decoding, so a batch forming now waits for these images rather than running without them.
                images.Expect(count);
                var prepared = await PrepareWindowAsync(model, batch, start, tensors, abort, ticks => Interlocked.Add(ref decodeTicks, ticks));
                if (prepared is not null)
                {
                    images.Forget(count);
                    ReturnTensors(tensors);
                    var decodeMilliseconds = TimeSpan.FromTicks(decodeTicks).TotalMilliseconds;
                    telemetry.DecodeDuration.Record(decodeMilliseconds, new KeyValuePair<string, object?>("outcome", "refused"));
                    return new EncodeResult([], silo, prepared with { DecodeMilliseconds = (long)decodeMilliseconds });
                }

                // This window is queued; the one before it must be done before the next is decoded (the memory bound).
                var before = inferring;
                inferring = new Window(start, tensors, images.EnqueueAnnounced(tensors, batch.Deadline, batch.Tenant));
                if (before is not null)
                {
                    await CollectAsync(before, vectors);
                }
            }

            var last = inferring;
            inferring = null;
            if (last is not null)
            {
                await CollectAsync(last, vectors);
            }

            telemetry.DecodeDuration.Record(TimeSpan.FromTicks(decodeTicks).TotalMilliseconds, new KeyValuePair<string, object?>("outcome", "ok"));
            return new EncodeResult(vectors, silo);
        }
        catch (ServerOverloadedException e)
        {
            return Failed(silo, EncodeFailure.Overloaded, e.Message);
        }
        catch (TimeoutException e)
        {
            return Failed(silo, EncodeFailure.Timeout, e.Message);
        }
        finally
        {
            // A window still queued when the request failed keeps its tensors until its batches have run: they are read there.
            if (inferring is not null)
            {
                await ((Task)Task.WhenAll(inferring.Queued)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                ReturnTensors(inferring.Tensors);
            }
        }
    }

    // Decodes one window's images into tensors; the request's first failure (its index in the request), or null.
    private async Task<EncodeFailure?> PrepareWindowAsync(
        ClipModel model, ImageBatch batch, int start, float[][] tensors, CancellationTokenSource abort, Action<long> addDecodeTicks)
    {
        var prepared = await Task.WhenAll(Enumerable.Range(0, tensors.Length).Select(async slot =>
        {
            var (failure, elapsed) = await PrepareAsync(model, batch.Images[start + slot], slot, start + slot, tensors, batch.Deadline, batch.Tenant, abort);
            addDecodeTicks(elapsed.Ticks);
            if (failure is not null)
            {
                await abort.CancelAsync();
            }

            return failure;
        }));
        return prepared.FirstOrDefault(f => f is not null);
    }

    // Waits for a window's vectors and hands its tensors back to the pool, also when its inference failed.
    private async Task CollectAsync(Window window, float[][] vectors)
    {
        try
        {
            var done = await Task.WhenAll(window.Queued);
            done.CopyTo(vectors, window.Start);
        }
        finally
        {
            await ((Task)Task.WhenAll(window.Queued)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ReturnTensors(window.Tensors);
        }
    }

    private void ReturnTensors(float[][] tensors)
    {
        foreach (var tensor in tensors)
        {
            if (tensor is not null)
            {
                ArrayPool<float>.Shared.Return(tensor);
                Statistics.RecordPrepared(-1);
            }
        }
    }

    // One window of a request's images: its tensors and their places in the image queue.
    private sealed record Window(int Start, float[][] Tensors, Task<float[]>[] Queued);

    /// <summary>Embeds prompts through the text queue.</summary>
    public async Task<EncodeResult> EncodeTextsAsync(TextBatch batch, string silo)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var model = _model;
        if (model is null || _texts is null)
        {
            return Failed(silo, EncodeFailure.Overloaded, "The model is still loading; retry shortly.");
        }

        // Announced before the first one is queued, so the runner does not take the request's first prompts alone.
        var tokens = batch.Texts.Select(model.Tokenizer.Encode).ToList();
        _texts.Expect(tokens.Count);
        try
        {
            var vectors = await Task.WhenAll(_texts.EnqueueAnnounced(tokens, batch.Deadline, batch.Tenant));
            return new EncodeResult(vectors, silo, Tokens: [.. tokens.Select(t => t.Length)]);
        }
        catch (ServerOverloadedException e)
        {
            return Failed(silo, EncodeFailure.Overloaded, e.Message);
        }
        catch (TimeoutException e)
        {
            return Failed(silo, EncodeFailure.Timeout, e.Message);
        }
    }

    // The failure of one image (null when it was prepared or skipped because its request already failed) and the time
    // its decode took.
    // (slot is the image's place in its window's tensors, index its place in the request.)
    private async Task<(EncodeFailure? Failure, TimeSpan Elapsed)> PrepareAsync(
        ClipModel model, byte[] bytes, int slot, int index, float[][] tensors, DateTimeOffset deadline, string tenant, CancellationTokenSource abort)
    {
        // A decode slot is waited for only until the request's deadline: under a flood of large images the
        // caller gets a timeout (503) instead of holding its body in memory past the point anyone waits for it.
        var wait = deadline - time.GetUtcNow();
        try
        {
            // A decode weighs its megapixels (read from the header): large images share the slots by the time they take.
            var weight = (int)Math.Clamp(((ImageDecoder.PixelCount(bytes) ?? 0) + 999_999) / 1_000_000, 1, 1_000);
            if (wait <= TimeSpan.Zero || !await _admission.Slots.WaitAsync(tenant, weight, wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait, abort.Token))
            {
                return (new EncodeFailure(EncodeFailure.Timeout, "The server could not start decoding the image before the request's deadline.", index), TimeSpan.Zero);
            }
        }
        catch (OperationCanceledException)
        {
            return (null, TimeSpan.Zero);
        }

        if (abort.IsCancellationRequested)
        {
            _admission.Slots.Release(tenant);
            return (null, TimeSpan.Zero);
        }

        var started = time.GetTimestamp();
        Statistics.RecordDecodeStarted();
        var work = Task.Run(() =>
        {
            try
            {
                var image = ImageDecoder.Decode(bytes, pool: _admission.Pixels);
                try
                {
                    var tensor = ArrayPool<float>.Shared.Rent(model.Preprocessor.TensorLength);
                    Statistics.RecordPrepared(+1);
                    tensors[slot] = tensor;
                    model.Preprocessor.Process(image, tensor);
                    return (EncodeFailure?)null;
                }
                finally
                {
                    _admission.Pixels.Return(image.Pixels);
                }
            }
            catch (ImageDecodeException e)
            {
                var code = e.Error switch
                {
                    ImageDecodeError.TooLarge => EncodeFailure.ImageTooLarge,
                    ImageDecodeError.UnsupportedFormat => EncodeFailure.UnsupportedImageFormat,
                    _ => EncodeFailure.InvalidImage,
                };
                return new EncodeFailure(code, e.Message, index);
            }
        });

        // The slot is released when the decode really ends, not when the caller stops waiting for it; a decode already
        // running is not abandoned when its request fails (native code cannot be stopped), only those not started are.
        // A failed decode ends its request before its slot is handed on, so the request's next image, waiting for that
        // very slot, is never started.
        _ = work.ContinueWith(
            decoded =>
            {
                try
                {
                    if (!decoded.IsCompletedSuccessfully || decoded.Result is not null || time.GetElapsedTime(started) > _options.DecodeTimeout)
                    {
                        abort.Cancel();
                    }
                }
                catch (ObjectDisposedException)
                {
                    // The request already ended (it stopped waiting for this decode): nothing of it is left to stop.
                }
                finally
                {
                    _admission.Slots.Release(tenant);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            var failure = await work.WaitAsync(_options.DecodeTimeout, time, CancellationToken.None);

            // The timer that ends the wait runs on the thread pool; when the pool is busy the decode can win the
            // race although it overran. The budget is a rule about the image, so it is held to the measured time.
            var elapsed = time.GetElapsedTime(started);
            if (failure is null && elapsed > _options.DecodeTimeout)
            {
                // The tensor stays in the array: the caller returns every rented tensor to the pool.
                return (DecodeTooSlow(index), elapsed);
            }

            return (failure, elapsed);
        }
        catch (TimeoutException)
        {
            return (DecodeTooSlow(index), time.GetElapsedTime(started));
        }
    }

    private EncodeFailure DecodeTooSlow(int index) => new(
        EncodeFailure.InvalidImage, $"The image took longer than {_options.DecodeTimeout.TotalSeconds:0.###} s to decode; send a smaller or simpler image.", index);

    private void Record(string kind, int size, TimeSpan duration, TimeSpan[] waits)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        (kind == "image" ? telemetry.ImagesEncoded : telemetry.TextsEncoded).Add(size);
        telemetry.BatchSize.Record(size, tag);
        telemetry.InferenceDuration.Record(duration.TotalMilliseconds, tag);
        foreach (var wait in waits)
        {
            telemetry.QueueWait.Record(wait.TotalMilliseconds, tag);
        }
    }

    private static EncodeResult Failed(string silo, string code, string message) => new([], silo, new EncodeFailure(code, message));

    /// <summary>Drains both queues (queued work finishes), then releases the model.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_images is not null)
        {
            await _images.DisposeAsync();
        }

        if (_texts is not null)
        {
            await _texts.DisposeAsync();
        }

        if (_oneCore is not null)
        {
            // The session being made holds the model's graph open; a failure to make it only ever cost speed.
            await _oneCore.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _model?.Dispose();
    }
}
