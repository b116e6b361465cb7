using System.Diagnostics;
using System.Net.Http.Headers;
using ClipGrains.Inference.Tests.Support;
using Xunit.Abstractions;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

[Trait("Category", "api")]
[Collection(GoldenServerGroup.Name)]
public sealed class HostileInputApiTests(GoldenServerFixture fixture, ITestOutputHelper output)
{
    private HttpClient Http => fixture.Server.Http;

    private static MultipartFormDataContent Upload(byte[] bytes, string fileName = "upload.bin")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { file, "image", fileName }, { new StringContent("cat,dog"), "labels" } };
    }

    [SkippableFact]
    public async Task Every_hostile_file_gets_its_status_no_5xx_and_nothing_is_charged()
    {
        var corpus = HostileImages.Corpus().ToList();
        var balanceBefore = await BalanceAsync();
        var charged = 0L;
        var serverErrors = 0;
        foreach (var (name, bytes, status, code) in corpus)
        {
            var (actual, json) = await ReadAsync(await Http.PostAsync("/v1/classifications", Upload(bytes, name)));
            serverErrors += actual >= 500 ? 1 : 0;
            Assert.True(status == actual, $"{name}: expected {status}, got {actual} {json}");
            if (code is not null)
            {
                Assert.Equal(code, json.GetProperty("error").GetProperty("code").GetString());
            }
            else
            {
                charged += json.GetProperty("usage").GetProperty("credits").GetInt64();
            }
        }

        output.WriteLine($"{corpus.Count} hostile cases, {serverErrors} 5xx");
        Assert.Equal(0, serverErrors);
        Assert.Equal(balanceBefore - charged, await BalanceAsync());
        Assert.Equal(200, (int)(await Http.GetAsync("/health/ready")).StatusCode);
    }

    [SkippableFact]
    public async Task Data_uris_are_sniffed_not_trusted()
    {
        var svg = "data:image/png;base64," + Convert.ToBase64String("<svg xmlns='http://www.w3.org/2000/svg'/>"u8.ToArray());

        AssertError(415, "unsupported_image_format", await ReadAsync(await Http.PostAsync("/v1/classifications", Body(new { input = new[] { svg }, labels = new[] { "a" } }))), "input[0]");
    }

    private async Task<long> BalanceAsync() =>
        (await ReadAsync(await fixture.Server.Admin.GetAsync($"/admin/v1/tenants/{fixture.Server.TenantId}"))).Json.GetProperty("tenant").GetProperty("balance").GetInt64();
}

/// <summary>Destructive: a server whose decode budget no 40 MP image can meet.</summary>
[Trait("Category", "api")]
public sealed class DecodeBudgetTests
{
    [SkippableFact]
    public async Task An_image_that_takes_longer_than_the_decode_budget_is_400_and_the_server_stays_usable()
    {
        await using var server = await RunningServer.StartAsync(GoldenData.TinyClip, null, "--ClipGrains:Batching:DecodeTimeout=00:00:00.001");
        var slow = new ByteArrayContent(HostileImages.GrayPng(8000, 5000, rows: 5000));

        var (status, json) = await ReadAsync(await server.Http.PostAsync("/v1/classifications", new MultipartFormDataContent { { slow, "image", "slow.png" }, { new StringContent("a,b"), "labels" } }));

        Assert.Equal(400, status);
        Assert.Equal("invalid_image", json.GetProperty("error").GetProperty("code").GetString());
        Assert.StartsWith("The image took longer than 0.001 s to decode", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, (int)(await server.Http.GetAsync("/health/ready")).StatusCode);
    }
}

/// <summary>
/// Destructive: its own server, flooded with decompression-bomb-sized images. Runs alone (no parallel tests in
/// the process), because it measures the process's working set.
/// </summary>
[Trait("Category", "slow")]
[Collection(DecodeFloodGroup.Name)]
public sealed class DecodeFloodTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Fifty_concurrent_40_megapixel_images_keep_memory_bounded()
    {
        // A 20 s request deadline (the client waits 60 s): what the server cannot decode in time it sheds as 503.
        await using var server = await RunningServer.StartAsync(GoldenData.TinyClip, null, "--ClipGrains:Gateway:RequestTimeout=00:00:20");
        var bomb = HostileImages.GrayPng(8000, 5000, rows: 5000);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(20, CancellationToken.None);
            }
        });

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
        {
            var file = new ByteArrayContent(bomb);
            return server.Http.PostAsync("/v1/classifications", new MultipartFormDataContent { { file, "image", "bomb.png" }, { new StringContent("cat,dog"), "labels" } });
        }));
        await sampling.CancelAsync();
        await sampler;

        var growthMb = (peak - baseline) / (1024.0 * 1024);
        output.WriteLine($"50 concurrent 8000×5000 PNGs ({bomb.Length} bytes each): peak working set {peak / (1024 * 1024)} MB, growth {growthMb:F0} MB");
        // Every image is within the limits, so each is either served or shed as overload; none may fail as a bug.
        Assert.All(responses, r => Assert.Contains((int)r.StatusCode, new[] { 200, 503 }));
        output.WriteLine($"served {responses.Count(r => r.IsSuccessStatusCode)}, shed {responses.Count(r => !r.IsSuccessStatusCode)}");
        Assert.Equal(200, (int)(await server.Http.GetAsync("/health/ready")).StatusCode);
        Assert.True(growthMb < 1000, $"working set grew by {growthMb:F0} MB");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DecodeFloodGroup
{
    public const string Name = "decode flood (runs alone)";
}
