using ClipGrains.Inference.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.Server;

/// <summary>
/// URL inputs against image hosts on loopback that misbehave. Loopback is allowed for this server only
/// (<c>ImageUrls:AllowLoopback</c>); private and metadata addresses stay refused, and are never connected to.
/// </summary>
[Trait("Category", "api")]
public sealed class ImageUrlApiTests(ImageUrlServers fixture) : IClassFixture<ImageUrlServers>
{
    private async Task<(int Status, System.Text.Json.JsonElement Json)> ClassifyAsync(string url) =>
        GoldenData.Root.Length == 0 ? default : await ReadAsync(await fixture.Server.Http.PostAsync("/v1/classifications", Body(new
        {
            input = new object[] { new { type = "image_url", image_url = new { url } } },
            labels = new[] { "cat", "dog" },
        })));

    [SkippableFact]
    public async Task An_allowed_url_is_fetched_and_classified()
    {
        Assert.Equal(200, (await ClassifyAsync($"{fixture.Base}ok.png")).Status);
        Assert.Equal(200, (await ClassifyAsync($"{fixture.Base}to-ok")).Status);
    }

    [SkippableTheory]
    [InlineData("slow.png", "image_url_timeout")]
    [InlineData("huge.png", "image_too_large")]
    [InlineData("to-private", "image_url_forbidden")]
    [InlineData("to-metadata", "image_url_forbidden")]
    [InlineData("loop", "image_url_unreachable")]
    [InlineData("missing.png", "image_url_unreachable")]
    public async Task Misbehaving_hosts_are_refused_with_a_reason(string path, string code)
    {
        AssertError(400, code, await ClassifyAsync($"{fixture.Base}{path}"), "input[0]");
    }

    [SkippableFact]
    public async Task A_tenant_that_cannot_be_admitted_makes_the_server_fetch_nothing()
    {
        _ = GoldenData.Root;
        var (_, key) = await fixture.Server.CreateTenantAsync(credits: 0);
        using var client = new HttpClient { BaseAddress = fixture.Server.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var fetched = fixture.Fetches;

        var response = await client.PostAsync("/v1/classifications", Body(new
        {
            input = Enumerable.Range(0, 8).Select(i => new { type = "image_url", image_url = new { url = $"{fixture.Base}ok.png?{i}" } }).ToArray(),
            labels = new[] { "cat", "dog" },
        }));

        AssertError(429, "insufficient_quota", await ReadAsync(response));
        Assert.Equal(fetched, fixture.Fetches);
    }

    [SkippableFact]
    public async Task The_bytes_one_request_fetches_are_capped_over_all_its_urls()
    {
        // 4 × 900,000 bytes: each under the per-image cap (1,000,000), together over the request's (3,000,000).
        var (status, json) = GoldenData.Root.Length == 0 ? default : await ReadAsync(await fixture.Server.Http.PostAsync("/v1/classifications", Body(new
        {
            input = Enumerable.Range(0, 4).Select(i => new { type = "image_url", image_url = new { url = $"{fixture.Base}big.png?{i}" } }).ToArray(),
            labels = new[] { "cat", "dog" },
        })));

        Assert.Equal((400, "images_too_large"), (status, json.GetProperty("error").GetProperty("code").GetString()));
        Assert.Equal(0, fixture.Server.Services.GetRequiredService<ClipGrains.Gateway.Inputs.FetchBudget>().Held);
    }

    [SkippableFact]
    public async Task A_wrong_content_type_is_judged_by_its_bytes()
    {
        AssertError(415, "unsupported_image_format", await ClassifyAsync($"{fixture.Base}page.png"), "input[0]");
    }

    [SkippableFact]
    public async Task A_body_that_is_not_an_image_is_refused_from_its_first_bytes_not_downloaded_to_the_cap()
    {
        // 4 MB of HTML against a 1 MB per-image cap: judged by its first bytes (415), not read until it is too large (400).
        AssertError(415, "unsupported_image_format", await ClassifyAsync($"{fixture.Base}huge-page.png"), "input[0]");
    }

    [SkippableTheory]
    [InlineData("http://localhost:1/ok.png", "image_url_not_allowed")]
    [InlineData("ftp://127.0.0.1/ok.png", "invalid_image_url")]
    [InlineData("http://user:pass@127.0.0.1/ok.png", "invalid_image_url")]
    public async Task Hosts_outside_the_allow_list_and_odd_urls_are_never_fetched(string url, string code)
    {
        var (status, json) = await ClassifyAsync(url);

        Assert.Equal(400, status);
        Assert.Equal(code, json.GetProperty("error").GetProperty("code").GetString());
    }
}

/// <summary>One server with URL inputs on and one misbehaving image host on loopback, shared by the class's tests (none changes either).</summary>
public sealed class ImageUrlServers : IAsyncLifetime
{
    public RunningServer Server { get; private set; } = null!;

    public string Base { get; private set; } = string.Empty;

    private WebApplication _images = null!;
    private int _fetches;

    /// <summary>Requests the image host has received so far.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    public async Task InitializeAsync()
    {
        if (!GoldenData.IsAvailable)
        {
            return; // each test then skips (or fails in CI) through GoldenData.Root
        }

        var png = TestImages.Encode(TestImages.Gradient(64, 48), SkiaSharp.SKEncodedImageFormat.Png);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _images = builder.Build();
        _images.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _fetches);
            await next(context);
        });
        _images.MapGet("/big.png", async (HttpContext c) =>
        {
            c.Response.ContentType = "image/png";
            await c.Response.Body.WriteAsync(png.AsMemory(0, 8));
            await c.Response.Body.WriteAsync(new byte[900_000 - 8], c.RequestAborted);
        });
        _images.MapGet("/ok.png", () => Results.Bytes(png, "image/png"));
        _images.MapGet("/slow.png", async (HttpContext c) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), c.RequestAborted);
            return Results.Bytes(png, "image/png");
        });
        _images.MapGet("/huge.png", async (HttpContext c) =>
        {
            c.Response.ContentType = "image/png";
            await c.Response.Body.WriteAsync(png.AsMemory(0, 8));
            var filler = new byte[64 * 1024];
            for (var i = 0; i < 64; i++)
            {
                await c.Response.Body.WriteAsync(filler, c.RequestAborted);
            }
        });
        _images.MapGet("/huge-page.png", async (HttpContext c) =>
        {
            c.Response.ContentType = "image/png";
            await c.Response.Body.WriteAsync("<!doctype html><html>"u8.ToArray());
            var filler = new byte[64 * 1024];
            for (var i = 0; i < 64; i++)
            {
                await c.Response.Body.WriteAsync(filler, c.RequestAborted);
            }
        });
        _images.MapGet("/page.png", () => Results.Text("<html>not an image</html>", "image/png"));
        _images.MapGet("/to-private", () => Results.Redirect("http://10.11.12.13/x.png"));
        _images.MapGet("/to-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        _images.MapGet("/to-ok", () => Results.Redirect("/ok.png"));
        _images.MapGet("/loop", () => Results.Redirect("/loop"));
        await _images.StartAsync();
        Base = _images.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        Server = await RunningServer.StartAsync(
            GoldenData.TinyClip, null,
            "--ClipGrains:ImageUrls:Enabled=true", "--ClipGrains:ImageUrls:AllowedHosts:0=127.0.0.1", "--ClipGrains:ImageUrls:AllowLoopback=true",
            // Allow-listed on purpose: the address rules must refuse them even when an operator allows the host.
            "--ClipGrains:ImageUrls:AllowedHosts:1=10.11.12.13", "--ClipGrains:ImageUrls:AllowedHosts:2=169.254.169.254",
            "--ClipGrains:ImageUrls:MaxBytes=1000000", "--ClipGrains:ImageUrls:MaxBytesPerRequest=3000000", "--ClipGrains:ImageUrls:Timeout=00:00:02");
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (_images is not null)
        {
            await _images.DisposeAsync();
        }
    }
}
