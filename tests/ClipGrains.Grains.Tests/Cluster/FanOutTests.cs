using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Cluster;
using ClipGrains.Grains.Tests.Support;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace ClipGrains.Grains.Tests.Cluster;

[Trait("Category", "cluster")]
[Collection(TwoSiloClusterGroup.Name)]
public sealed class FanOutTests(TwoSiloClusterFixture fixture)
{
    private static List<byte[]> Images(int count, int seed) =>
        Enumerable.Range(0, count).Select(i => TestImages.Encode(TestImages.Gradient(70 + i, 66, seed + i), SKEncodedImageFormat.Png)).ToList();

    [Fact]
    public async Task A_large_request_runs_on_both_silos_and_keeps_input_order()
    {
        var images = Images(8, seed: 1);
        var before = (fixture.Host(0).Statistics.Images, fixture.Host(1).Statistics.Images);
        var service = fixture.Silo(0).GetRequiredService<ClusterEncoder>();

        var result = await service.EncodeImagesAsync(new ImageBatch(images, DateTimeOffset.UtcNow.AddMinutes(1), "t"));

        Assert.Null(result.Failure);
        Assert.Equal(2, result.Silos.Count);
        Assert.True(fixture.Host(0).Statistics.Images > before.Item1, "silo 0 ran no image");
        Assert.True(fixture.Host(1).Statistics.Images > before.Item2, "silo 1 ran no image");
        var local = fixture.Host(0).Model.EncodeImages(images.Select(b => (ReadOnlyMemory<byte>)b).ToList());
        for (var i = 0; i < images.Count; i++)
        {
            Assert.Equal(local[i], result.Vectors[i], new ToleranceComparer(1e-5f));
        }
    }

    [Fact]
    public async Task A_small_request_stays_on_the_receiving_silo()
    {
        var service = fixture.Silo(1).GetRequiredService<ClusterEncoder>();
        var view = fixture.Silo(1).GetRequiredService<ClusterView>();

        var result = await service.EncodeImagesAsync(new ImageBatch(Images(2, seed: 20), DateTimeOffset.UtcNow.AddMinutes(1), "t"));

        Assert.Equal([view.LocalSilo], result.Silos);
    }

    [Fact]
    public async Task A_bad_image_in_a_remote_chunk_is_reported_with_its_index_in_the_whole_request()
    {
        var images = Images(8, seed: 30);
        images[6] = [1, 2, 3, 4];
        var service = fixture.Silo(0).GetRequiredService<ClusterEncoder>();

        var result = await service.EncodeImagesAsync(new ImageBatch(images, DateTimeOffset.UtcNow.AddMinutes(1), "t"));

        Assert.Equal(EncodeFailure.UnsupportedImageFormat, result.Failure?.Code);
        Assert.Equal(6, result.Failure?.Index);
    }

    [Fact]
    public async Task Concurrent_requests_are_merged_into_batches()
    {
        var encoder = fixture.Cluster.Client.GetGrain<IEncoderGrain>(0);
        var images = Images(6, seed: 40);

        await Task.WhenAll(images.Select(i => encoder.EncodeImages(new ImageBatch([i], DateTimeOffset.UtcNow.AddMinutes(1)))));

        Assert.True(Math.Max(fixture.Host(0).Statistics.LargestImageBatch, fixture.Host(1).Statistics.LargestImageBatch) > 1);
    }

    [Fact]
    public async Task More_concurrent_requests_than_cores_reach_the_queue_together()
    {
        // Stateless workers without reentrancy admit one call per activation and at most one activation per core, so
        // on a 2-core machine no batch could hold more than 2 one-image requests. Reentrant, all 16 are announced at
        // once; images that take milliseconds to decode keep the first batch waiting (100 ms window) for the others.
        var service = fixture.Silo(0).GetRequiredService<ClusterEncoder>();
        var sizes = new List<int>();
        void Record(int size)
        {
            lock (sizes)
            {
                sizes.Add(size);
            }
        }

        var images = Enumerable.Range(0, 16).Select(i => TestImages.Encode(TestImages.Noise(600, 600, seed: 60 + i), SKEncodedImageFormat.Png)).ToList();
        fixture.Host(0).ImageBatchRan += Record;
        try
        {
            var results = await Task.WhenAll(images.Select(i => service.EncodeImagesAsync(new ImageBatch([i], DateTimeOffset.UtcNow.AddMinutes(1), "t"))));
            Assert.All(results, r => Assert.Null(r.Failure));
        }
        finally
        {
            fixture.Host(0).ImageBatchRan -= Record;
        }

        Assert.Equal(16, sizes.Sum());
        Assert.True(sizes.Max() >= 4, $"batches: {string.Join(", ", sizes)}");
    }

    [Fact]
    public async Task Each_silo_reports_its_load_and_models_through_its_silo_targeted_grain()
    {
        var view = fixture.Silo(0).GetRequiredService<ClusterView>();
        var silos = view.ActiveSilos();

        var snapshots = await Task.WhenAll(silos.Select(s => fixture.Cluster.Client.GetGrain<ISiloEncoderGrain>(s).GetSnapshot()));

        Assert.Equal(2, silos.Count);
        Assert.All(snapshots, s => Assert.Equal(0, s.Load));
        Assert.All(snapshots, s => Assert.Equal([new ModelCopyState("clip-vit-base-patch32", true, false)], s.Models));
    }

    [Fact]
    public async Task A_silo_targeted_grain_for_an_unknown_silo_fails_placement()
    {
        var grain = fixture.Cluster.Client.GetGrain<ISiloEncoderGrain>("S127.0.0.1:1:1");

        await Assert.ThrowsAnyAsync<OrleansException>(() => grain.GetSnapshot());
    }
}
