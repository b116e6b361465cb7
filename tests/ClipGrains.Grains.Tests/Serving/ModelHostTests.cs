using System.Diagnostics.Metrics;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Serving;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Inference;
using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;

namespace ClipGrains.Grains.Tests.Serving;

public sealed class ModelHostTests
{
    [Fact]
    public async Task A_decode_that_ends_after_its_budget_is_refused_even_when_the_timeout_timer_never_fired()
    {
        // The fake clock moves 2 s each time it is read and never while the decode runs, so the 1 s timeout timer never
        // fires: exactly the race CI lost, where the decode finished before the thread pool ran the timer. The decode
        // is judged by the time it took.
        using var model = SyntheticClip.Create();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new ClipGrainsTelemetry(services.GetRequiredService<IMeterFactory>());
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch) { AutoAdvanceAmount = TimeSpan.FromSeconds(2) };
        await using var host = new ModelHost(Options.Create(new BatchingOptions { DecodeTimeout = TimeSpan.FromSeconds(1) }), clock, telemetry);
        host.Attach(ClipModel.Load(ModelBundle.Open(model.Directory)));
        var png = TestImages.Encode(TestImages.Gradient(8, 8), SKEncodedImageFormat.Png);

        var result = await host.EncodeImagesAsync(new ImageBatch([png], DateTimeOffset.MaxValue), "silo");

        Assert.Equal(
            new EncodeFailure(EncodeFailure.InvalidImage, "The image took longer than 1 s to decode; send a smaller or simpler image.", 0),
            result.Failure! with { DecodeMilliseconds = 0 });
        Assert.True(result.Failure.DecodeMilliseconds >= 1000);
        Assert.Empty(result.Vectors);
    }

    [Fact]
    public async Task The_first_undecodable_image_ends_the_request_and_images_still_waiting_for_a_slot_are_never_decoded()
    {
        using var model = SyntheticClip.Create();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new ClipGrainsTelemetry(services.GetRequiredService<IMeterFactory>());
        await using var host = new ModelHost(Options.Create(new BatchingOptions { MaxConcurrentDecodes = 1 }), TimeProvider.System, telemetry);
        host.Attach(ClipModel.Load(ModelBundle.Open(model.Directory)));
        var png = TestImages.Encode(TestImages.Gradient(64, 64), SKEncodedImageFormat.Png);
        byte[] corrupt = [.. png.AsSpan(0, 40), .. new byte[200]];

        // One slot: the corrupt image (first in line) takes it, fails, and the twenty valid images behind it give up
        // their turn instead of being decoded for a request that is already refused.
        var result = await host.EncodeImagesAsync(new ImageBatch([corrupt, .. Enumerable.Repeat(png, 20)], DateTimeOffset.MaxValue, "attacker"), "silo");

        Assert.Equal((EncodeFailure.InvalidImage, 0), (result.Failure!.Code, result.Failure.Index));
        Assert.Equal(1, host.Statistics.DecodesStarted);
        Assert.Equal(0, host.Statistics.Images);
    }

    [Fact]
    public async Task A_large_request_is_worked_through_in_windows_holding_at_most_two_of_them_and_answers_in_input_order()
    {
        using var model = SyntheticClip.Create();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new ClipGrainsTelemetry(services.GetRequiredService<IMeterFactory>());

        // A tenant alone may hold half of a 32-image queue: 200 images at once would be refused, 8 at a time fit.
        var options = new BatchingOptions { ImageRequestWindow = 8, MaxImageQueueLength = 32, MaxConcurrentDecodes = 4 };
        await using var host = new ModelHost(Options.Create(options), TimeProvider.System, telemetry);
        host.Attach(ClipModel.Load(ModelBundle.Open(model.Directory)));
        var images = Enumerable.Range(0, 200).Select(i => TestImages.Encode(TestImages.Noise(12, 12, seed: i), SKEncodedImageFormat.Png)).ToList();

        var result = await host.EncodeImagesAsync(new ImageBatch(images, DateTimeOffset.MaxValue, "big"), "silo");

        Assert.Null(result.Failure);
        Assert.Equal(200, result.Vectors.Length);
        Assert.InRange(host.Statistics.PreparedImagesPeak, 1, 16);
        foreach (var i in new[] { 0, 7, 8, 99, 199 })
        {
            var alone = await host.EncodeImagesAsync(new ImageBatch([images[i]], DateTimeOffset.MaxValue, "big"), "silo");
            // Batched and single runs may differ in the last bits, not more.
            var (_, max) = Differences.MeanMax(alone.Vectors[0], result.Vectors[i]);
            Assert.True(max < 1e-5, $"image {i}: max |Δ| {max}");
        }
    }

    [Fact]
    public async Task A_failure_in_a_later_window_names_the_image_by_its_place_in_the_request()
    {
        using var model = SyntheticClip.Create();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new ClipGrainsTelemetry(services.GetRequiredService<IMeterFactory>());
        await using var host = new ModelHost(Options.Create(new BatchingOptions { ImageRequestWindow = 4 }), TimeProvider.System, telemetry);
        host.Attach(ClipModel.Load(ModelBundle.Open(model.Directory)));
        var png = TestImages.Encode(TestImages.Gradient(16, 16), SKEncodedImageFormat.Png);
        List<byte[]> images = [.. Enumerable.Repeat(png, 10)];
        images[9] = [.. png.AsSpan(0, 40), .. new byte[200]];

        var result = await host.EncodeImagesAsync(new ImageBatch(images, DateTimeOffset.MaxValue, "t"), "silo");

        Assert.Equal((EncodeFailure.InvalidImage, 9), (result.Failure!.Code, result.Failure.Index));
        Assert.Empty(result.Vectors);
    }
}
