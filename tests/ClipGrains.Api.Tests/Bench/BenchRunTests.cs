using ClipGrains.Host.Bench;

namespace ClipGrains.Api.Tests.Bench;

/// <summary>The arithmetic `clipgrains bench` reports its targets in, on figures chosen to give round answers.</summary>
public sealed class BenchRunTests
{
    // ORT: batch 8 is best (40 img/s at 48 ms CPU each); decode + preprocess 8 ms CPU an image.
    private static readonly OrtCeiling.Result Ort = new(30, new Dictionary<int, double> { [1] = 25, [8] = 40 }, new Dictionary<int, double> { [1] = 70, [8] = 48 });
    private static readonly DecodeCost.Result Decode = new(9, 8, 100);

    // 102 requests of one image in 10 s, 2 of them failed: 100 images, 10 img/s.
    private static readonly LoadResult Load = new(8, 10, 102, 2, 1, 10, new LatencySummary(40, 38, 60, 70, 80), new Dictionary<int, int> { [200] = 100, [503] = 2 });

    [Fact]
    public void The_ceiling_adds_the_decode_spread_over_the_cores_to_ORTs_best_batch()
    {
        var expected = 1 / ((1 / 40.0) + (0.008 / Environment.ProcessorCount));

        Assert.Equal(expected, BenchRun.Ceiling(Ort, Decode), 12);
        Assert.Equal(10 / expected, new BenchRun(1, Load, 6, Ort, Decode).RateRatio!.Value, 12);
    }

    [Fact]
    public void Server_cpu_and_allocations_are_per_answered_image_and_compared_with_ORT_plus_decode_and_the_image_size()
    {
        var run = new BenchRun(1, Load, ServerCpuSeconds: 6, Ort, Decode, ServerAllocatedBytes: 15_000_000, ImageBytes: 100_000);

        Assert.Equal(60, run.ServerCpuMsPerImage!.Value, 12);
        Assert.Equal(60.0 / (48 + 8), run.CpuRatio!.Value, 12);
        Assert.Equal(150_000, run.AllocatedBytesPerRequest!.Value, 12);
        Assert.Equal(1.5, run.AllocatedPerImageByte!.Value, 12);
    }

    [Fact]
    public void Without_ORT_or_published_counters_the_ratios_are_absent_not_zero()
    {
        var run = new BenchRun(1, Load, ServerCpuSeconds: null, Ort: null, Decode: null);

        Assert.Null(run.RateRatio);
        Assert.Null(run.CpuRatio);
        Assert.Null(run.ServerCpuMsPerImage);
        Assert.Null(run.AllocatedPerImageByte);
    }

    [Fact]
    public void Counters_are_read_from_a_prometheus_scrape_summing_series_and_ignoring_longer_names()
    {
        const string Scrape = """
            # TYPE dotnet_gc_heap_total_allocated_bytes_total counter
            dotnet_gc_heap_total_allocated_bytes_total{otel_scope_name="System.Runtime"} 116383544
            dotnet_process_cpu_time_seconds_total{cpu_mode="user"} 12.5
            dotnet_process_cpu_time_seconds_total{cpu_mode="system"} 2.25
            dotnet_process_cpu_time_seconds_total_other 99
            """;

        Assert.Equal(14.75, ServerCounters.Value(Scrape, "dotnet_process_cpu_time_seconds_total"));
        Assert.Equal(116383544, ServerCounters.Value(Scrape, "dotnet_gc_heap_total_allocated_bytes_total"));
        Assert.Null(ServerCounters.Value(Scrape, "dotnet_missing_total"));
    }
}
