using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ClipGrains.Api.Tests.Server;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Playwright;
using static ClipGrains.Api.Tests.Server.HttpJson;

namespace ClipGrains.Api.Tests.WebConsole;

/// <summary>
/// The console in a real browser against the real server on the golden tiny model: what a tenant and an operator
/// do, checked against the API's own answers. Each test signs in with a tenant of its own.
/// </summary>
[Trait("Category", "browser")]
[Collection(GoldenServerGroup.Name)]
public sealed partial class ConsoleBrowserTests(GoldenServerFixture fixture) : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    // Labels are matched whole: "API key" must not also find "Sign in with an API key".
    private static readonly PageGetByLabelOptions Exact = new() { Exact = true };

    private RunningServer Server => fixture.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task A_bad_key_shows_the_apis_401_message_and_stays_signed_out()
    {
        var page = await OpenAsync();

        await page.GetByLabel("API key", Exact).FillAsync("cg_nosuchkey_" + new string('x', 43));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("401: Incorrect API key provided");
        await Assertions.Expect(page.GetByLabel("API key", Exact)).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('clipgrains.key')"));
        Assert.Empty(await page.Context.CookiesAsync());
    }

    [SkippableFact]
    public async Task Sign_in_classify_an_image_and_see_the_ranking_the_api_gives()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 5_000);
        var page = await SignInAsync(key);
        await Assertions.Expect(page.Locator("#session-tenant")).ToHaveTextAsync("test tenant · 5000 credits");

        // Keyboard: Enter on the focused drop zone opens the file picker (observed as the click on the file input,
        // intercepted so no native dialog is involved), then the file is set as the picker would.
        await page.EvaluateAsync("document.getElementById('image-file').addEventListener('click', e => { window.pickerOpened = true; e.preventDefault(); }, { once: true })");
        await page.Locator("#drop-zone").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.True(await page.EvaluateAsync<bool>("window.pickerOpened === true"));
        await page.Locator("#image-file").SetInputFilesAsync(GoldenData.Image("chelsea.png"));
        await Assertions.Expect(page.Locator("#preview")).ToHaveAttributeAsync("alt", "Selected image chelsea.png");
        await page.GetByLabel("Labels (comma-separated)", Exact).FillAsync("cat, dog, rocket");
        await page.GetByRole(AriaRole.Button, new() { Name = "Classify" }).ClickAsync();

        // The page's own call must be finished and shown before the API is asked anything that charges the same
        // tenant: the balance shown is the one after the page's call, not after the test's.
        await Assertions.Expect(page.Locator("#ranking li")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#result-cost")).ToContainTextAsync("Cost: ");
        var balance = await BalanceAsync(tenantId);
        Assert.True(balance < 5_000, $"the page's classification was charged ({balance})");
        await Assertions.Expect(page.Locator("#session-tenant")).ToHaveTextAsync($"test tenant · {balance} credits");

        var expected = await ClassifyThroughApiAsync(key, ["cat", "dog", "rocket"]);
        await Assertions.Expect(page.Locator("#ranking .label")).ToHaveTextAsync(expected.Select(e => e.Label).ToArray());
        var filled = await page.EvaluateAsync<double[]>("[...document.querySelectorAll('#ranking .bar > span')].map(s => s.getBoundingClientRect().width / s.parentElement.getBoundingClientRect().width)");
        Assert.Equal(expected.Length, filled.Length);
        Assert.All(expected.Zip(filled), pair => Assert.Equal(pair.First.Score, pair.Second, 0.002));
        var curl = await page.Locator("#curl").TextContentAsync();
        Assert.Contains("-F 'image=@chelsea.png' -F 'labels=cat,dog,rocket' -F model=clip-vit-base-patch32", curl, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#model-select option")).ToHaveTextAsync(["clip-vit-base-patch32 (loaded)"]);
        Assert.Contains("$CLIPGRAINS_KEY", curl, StringComparison.Ordinal);
        Assert.DoesNotContain(key, curl, StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), "playground.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task Create_a_label_set_watch_it_build_then_classify_with_it()
    {
        var (_, key) = await Server.CreateTenantAsync(credits: 5_000);
        var page = await SignInAsync(key);
        await page.GetByRole(AriaRole.Link, new() { Name = "Label sets" }).ClickAsync();

        await page.GetByLabel("Label set name", Exact).FillAsync("pets");
        await page.GetByLabel("Labels (one per line)", Exact).FillAsync("cat\ndog\nbird");
        await page.GetByLabel("Templates", Exact).SelectOptionAsync("openai-7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await Assertions.Expect(page.Locator("#ls-progress-label")).ToHaveTextAsync("pets v1: 21 of 21 prompt embeddings (ready)");
        await Assertions.Expect(page.Locator("#session-tenant")).ToHaveTextAsync("test tenant · 4979 credits");
        var row = page.Locator("#label-sets-table tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td")).ToHaveTextAsync(["pets", "v1", "3", "ready", "EditDelete"]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), "label-sets.png"), FullPage = true });

        // Edit: a new version with one more label.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit pets" }).ClickAsync();
        // The form fills itself from GET /v1/label-sets/pets; typing before that lands would be overwritten.
        await Assertions.Expect(page.Locator("#label-set-form-title")).ToHaveTextAsync("Edit pets (saving creates version 2)");
        await Assertions.Expect(page.GetByLabel("Labels (one per line)", Exact)).ToHaveValueAsync("cat\ndog\nbird");
        await page.GetByLabel("Labels (one per line)", Exact).FillAsync("cat\ndog\nbird\nfish");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save new version" }).ClickAsync();
        await Assertions.Expect(row.Locator("td")).ToHaveTextAsync(["pets", "v2", "4", "ready", "EditDelete"]);

        await page.GetByRole(AriaRole.Link, new() { Name = "Playground" }).ClickAsync();
        await page.Locator("#image-file").SetInputFilesAsync(GoldenData.Image("chelsea.png"));
        await page.GetByLabel("A label set", Exact).CheckAsync();
        await page.GetByLabel("Label set", Exact).SelectOptionAsync("pets");
        await page.GetByRole(AriaRole.Button, new() { Name = "Classify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ranking li")).ToHaveCountAsync(4);
        Assert.Contains("-F label_set=pets", await page.Locator("#curl").TextContentAsync(), StringComparison.Ordinal);

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Label sets" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete pets" }).ClickAsync();
        await Assertions.Expect(row.Locator("td")).ToHaveTextAsync(["No label sets yet."]);
    }

    [SkippableFact]
    public async Task Create_a_collection_upload_images_resume_and_search_with_thumbnails()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 5_000);
        var page = await SignInAsync(key);
        await page.GotoAsync(new Uri(Server.Http.BaseAddress!, "/#/collections").ToString());
        await page.GetByLabel("Collection name", Exact).FillAsync("album");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create collection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#collection-detail-title")).ToHaveTextAsync("album: 0 items");

        await page.Locator("#col-files").SetInputFilesAsync([GoldenData.Image("horse.png"), GoldenData.Image("coffee.png")]);
        await Assertions.Expect(page.Locator("#collection-detail-title")).ToHaveTextAsync("album: 2 items");
        await Assertions.Expect(page.Locator("#col-progress-label")).ToHaveTextAsync("Uploaded 2 of 2");

        // The same files again (an interrupted upload retried): nothing is sent twice.
        var before = await BalanceAsync(tenantId);
        await page.Locator("#col-files").SetInputFilesAsync([GoldenData.Image("horse.png"), GoldenData.Image("coffee.png"), GoldenData.Image("rocket.jpg")]);
        await Assertions.Expect(page.Locator("#col-progress-label")).ToHaveTextAsync("Uploaded 1 of 1 (2 already there, skipped)");
        await Assertions.Expect(page.Locator("#collection-detail-title")).ToHaveTextAsync("album: 3 items");
        Assert.Equal(before - 11, await BalanceAsync(tenantId));

        // An image query: the grid shows every item's stored thumbnail with its score, the same image first at 1.000.
        await page.Locator("#col-query-file").SetInputFilesAsync(GoldenData.Image("horse.png"));
        await Assertions.Expect(page.Locator("#col-results li")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#col-results li").First.Locator(".id")).ToHaveTextAsync("horse.png");
        await Assertions.Expect(page.Locator("#col-results li").First.Locator(".score")).ToHaveTextAsync("1.000");
        var drawn = await page.EvaluateAsync<int[]>("[...document.querySelectorAll('#col-results img')].map(i => i.naturalWidth)");
        Assert.Equal(3, drawn.Length);
        Assert.All(drawn, width => Assert.InRange(width, 1, 128));

        await page.GetByLabel("Search by text", Exact).FillAsync("a photo of a rocket");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#col-search-cost")).ToHaveTextAsync("3 results · Cost: 2 credits");
        await Assertions.Expect(page.Locator("#collections-table tbody tr").First).ToContainTextAsync("album");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), "collections.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task Usage_shows_the_balance_limits_and_todays_counts_after_a_call()
    {
        var (tenantId, key) = await Server.CreateTenantAsync(credits: 5_000, requestsPerMinute: 60, imagesPerMinute: 120);
        using (var client = new HttpClient { BaseAddress = Server.Http.BaseAddress })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Assert.Equal(200, (await ReadAsync(await client.PostAsync("/v1/classifications", Body(new { input = new[] { DataUri(GoldenData.Image("chelsea.png")) }, labels = new[] { "cat", "dog" } })))).Status);
        }

        var page = await SignInAsync(key);
        await page.GetByRole(AriaRole.Link, new() { Name = "Usage" }).ClickAsync();

        await Assertions.Expect(page.Locator("#usage-balance")).ToHaveTextAsync($"{await BalanceAsync(tenantId)} credits");
        await Assertions.Expect(page.Locator("#usage-requests-limit")).ToHaveTextAsync(RemainingOf(60));
        await Assertions.Expect(page.Locator("#usage-images-limit")).ToHaveTextAsync(RemainingOf(120));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("#usage-table tbody tr").First.Locator("td")).ToHaveTextAsync([today, "1", "1", "2", "12"]);
        await Assertions.Expect(page.Locator("#usage-models-table tbody tr").Locator("td")).ToHaveTextAsync(["clip-vit-base-patch32", "1", "1", "2", "12"]);
        await Assertions.Expect(page.Locator("#usage-keys-table tbody tr").Locator("td")).ToHaveTextAsync([key.Split('_')[1], "1", "1", "2", "12"]);
        await Assertions.Expect(page.Locator("#usage-chart rect")).ToHaveCountAsync(30);
        await Assertions.Expect(page.Locator("#usage-chart-caption")).ToContainTextAsync("requests per day");
        await page.GetByLabel("Credits", Exact).CheckAsync();
        await Assertions.Expect(page.Locator("#usage-chart-caption")).ToContainTextAsync("credits per day");
        await Assertions.Expect(page.Locator("#usage-chart-caption")).ToContainTextAsync("12 in total");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), "usage.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task The_operator_creates_a_tenant_and_a_key_shown_once_then_revokes_it()
    {
        var page = await OpenAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Operator" }).ClickAsync();
        await page.GetByLabel("Operator key", Exact).FillAsync("cga_wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use operator key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("401:");

        await page.GetByLabel("Operator key", Exact).FillAsync(RunningServer.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use operator key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#models-table tbody tr td").Nth(2)).ToHaveTextAsync("clip-vit-base-patch32");
        var name = "browser-" + Guid.NewGuid().ToString("N")[..8];
        await page.GetByLabel("Tenant name", Exact).FillAsync(name);
        await page.GetByLabel("Initial credits", Exact).FillAsync("250");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create tenant" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tenant-detail-title")).ToHaveTextAsync($"{name}: 250 credits");

        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-key-value")).ToHaveTextAsync(KeyPattern());
        var secret = await page.Locator("#new-key-value").TextContentAsync();
        using (var client = new HttpClient { BaseAddress = Server.Http.BaseAddress })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            Assert.Equal(200, (int)(await client.GetAsync("/v1/usage")).StatusCode);
        }

        await page.GetByLabel("Add credits", Exact).FillAsync("50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add credits" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tenant-detail-title")).ToHaveTextAsync($"{name}: 300 credits");

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke key default" }).ClickAsync();
        await Assertions.Expect(page.Locator("#keys-table tbody tr td").Nth(2)).ToHaveTextAsync("revoked");
        await Assertions.Expect(page.Locator("#new-key")).ToBeHiddenAsync();
        Assert.DoesNotContain(secret!, await page.Locator("#keys-table").TextContentAsync() ?? "", StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), "operator.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Forget the operator key" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Operator key", Exact)).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('clipgrains.adminKey')"));
    }

    [SkippableFact]
    public async Task The_page_loads_nothing_from_other_origins_and_forbids_framing()
    {
        var page = await OpenAsync();
        var response = await page.GotoAsync(Server.Http.BaseAddress!.ToString());

        Assert.NotNull(response);
        var csp = await response.HeaderValueAsync("content-security-policy");
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        var origins = await page.EvaluateAsync<string[]>("performance.getEntriesByType('resource').map(e => new URL(e.name).origin)");
        Assert.All(origins, o => Assert.Equal(Server.Http.BaseAddress!.GetLeftPart(UriPartial.Authority), o));
        await Assertions.Expect(page.GetByLabel("API key", Exact)).ToBeFocusedAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private async Task<IPage> OpenAsync()
    {
        _ = Server;
        (_playwright, _browser) = await Browser.LaunchAsync();

        // Two shared cores in CI: give the page's own round trips (label-set builds among them) time.
        Assertions.SetDefaultExpectTimeout(20_000);
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(Server.Http.BaseAddress!.ToString());
        return page;
    }

    private async Task<IPage> SignInAsync(string key)
    {
        var page = await OpenAsync();
        await page.GetByLabel("API key", Exact).FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Playground" })).ToBeVisibleAsync();
        return page;
    }

    private async Task<(string Label, double Score)[]> ClassifyThroughApiAsync(string key, string[] labels)
    {
        using var client = new HttpClient { BaseAddress = Server.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var (status, json) = await ReadAsync(await client.PostAsync("/v1/classifications", Body(new { input = new[] { DataUri(GoldenData.Image("chelsea.png")) }, labels })));
        Assert.Equal(200, status);
        return json.GetProperty("data")[0].GetProperty("labels").EnumerateArray().Select(l => (l.GetProperty("label").GetString()!, l.GetProperty("score").GetDouble())).ToArray();
    }

    private async Task<long> BalanceAsync(string tenantId) =>
        (await ReadAsync(await Server.Admin.GetAsync($"/admin/v1/tenants/{tenantId}"))).Json.GetProperty("tenant").GetProperty("balance").GetInt64();

    // One request (or one image) taken from a per-minute allowance on the real clock: limit-1 left, or the full
    // limit if the page loaded after the unit refilled.
    private static Regex RemainingOf(int limit) => new($"^({limit - 1} of {limit} left, full again in \\d+ s|{limit} of {limit} left)$");

    [GeneratedRegex("^cg_[A-Za-z0-9]+_[A-Za-z0-9_-]+$")]
    private static partial Regex KeyPattern();
}
