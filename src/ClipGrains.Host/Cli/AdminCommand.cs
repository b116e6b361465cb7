using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains admin …</c>: the admin API from the command line (tenants, keys, limits, credits, usage). Prints the API's
/// JSON (an export streams JSON lines or CSV); an API error becomes one line on stderr and exit code 1.
/// </summary>
internal static class AdminCommand
{
    public static Command Create(CliContext context)
    {
        var url = new Option<string>("--url")
        {
            Description = "Server base URL (env CLIPGRAINS_URL)",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CLIPGRAINS_URL") ?? "http://127.0.0.1:8080",
        };
        var adminKey = new Option<string?>("--admin-key")
        {
            Description = "Operator key (env CLIPGRAINS_ADMIN_KEY)",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CLIPGRAINS_ADMIN_KEY"),
        };
        var admin = new Command("admin", "Manage tenants, API keys, limits and credits through the admin API") { url, adminKey };

        var tenantId = new Argument<string>("tenant") { Description = "Tenant id (tn_…)" };
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var credits = new Option<long>("--credits") { Description = "Initial credits", DefaultValueFactory = _ => 0 };
        var rpm = new Option<int?>("--requests-per-minute") { Description = "Requests per minute" };
        var ipm = new Option<int?>("--images-per-minute") { Description = "Images per minute" };

        var tenants = new Command("tenants", "Create, list, inspect, limit and suspend tenants");
        var create = new Command("create", "Create a tenant") { name, credits, rpm, ipm };
        create.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Post, "/admin/v1/tenants", new
        {
            name = parse.GetValue(name),
            credits = parse.GetValue(credits),
            limits = Limits(parse.GetValue(rpm), parse.GetValue(ipm)),
        }, ct));
        var list = new Command("list", "List tenants");
        list.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Get, "/admin/v1/tenants", null, ct));
        var get = new Command("get", "Show a tenant with balance, limits and usage") { tenantId };
        get.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Get, $"/admin/v1/tenants/{parse.GetValue(tenantId)}", null, ct));
        var suspend = new Command("suspend", "Suspend a tenant: its keys stop working at once") { tenantId };
        suspend.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Post, $"/admin/v1/tenants/{parse.GetValue(tenantId)}/suspend", null, ct));
        var resume = new Command("resume", "Resume a suspended tenant") { tenantId };
        resume.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Post, $"/admin/v1/tenants/{parse.GetValue(tenantId)}/resume", null, ct));
        var limitsRpm = new Option<int>("--requests-per-minute") { Required = true, Description = "Requests per minute" };
        var limitsIpm = new Option<int>("--images-per-minute") { Required = true, Description = "Images per minute" };
        var limits = new Command("limits", "Set a tenant's rate limits") { tenantId, limitsRpm, limitsIpm };
        limits.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Patch, $"/admin/v1/tenants/{parse.GetValue(tenantId)}", new
        {
            limits = new { requests_per_minute = parse.GetValue(limitsRpm), images_per_minute = parse.GetValue(limitsIpm) },
        }, ct));
        tenants.Subcommands.Add(create);
        tenants.Subcommands.Add(list);
        tenants.Subcommands.Add(get);
        tenants.Subcommands.Add(suspend);
        tenants.Subcommands.Add(resume);
        tenants.Subcommands.Add(limits);

        var keys = new Command("keys", "Create, list and revoke API keys");
        var keyName = new Option<string>("--name") { Description = "Key label", DefaultValueFactory = _ => "default" };
        var keyCreate = new Command("create", "Create an API key; the secret is printed only now") { tenantId, keyName };
        keyCreate.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Post, $"/admin/v1/tenants/{parse.GetValue(tenantId)}/keys", new { name = parse.GetValue(keyName) }, ct));
        var keyList = new Command("list", "List a tenant's keys (never their secrets)") { tenantId };
        keyList.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Get, $"/admin/v1/tenants/{parse.GetValue(tenantId)}/keys", null, ct));
        var keyId = new Argument<string>("key-id") { Description = "Key id" };
        var keyRevoke = new Command("revoke", "Revoke a key on every silo at once") { tenantId, keyId };
        keyRevoke.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Delete, $"/admin/v1/tenants/{parse.GetValue(tenantId)}/keys/{parse.GetValue(keyId)}", null, ct));
        keys.Subcommands.Add(keyCreate);
        keys.Subcommands.Add(keyList);
        keys.Subcommands.Add(keyRevoke);

        var creditsCommand = new Command("credits", "Add credits");
        var amount = new Option<long>("--amount") { Required = true, Description = "Credits to add" };
        var reason = new Option<string>("--reason") { DefaultValueFactory = _ => string.Empty, Description = "Ledger note" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Reuse to retry safely (default: a new key per call)" };
        var add = new Command("add", "Top up a tenant's balance") { tenantId, amount, reason, idempotencyKey };
        add.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Post, $"/admin/v1/tenants/{parse.GetValue(tenantId)}/credits",
            new { amount = parse.GetValue(amount), reason = parse.GetValue(reason) }, ct, parse.GetValue(idempotencyKey) ?? Guid.NewGuid().ToString("N")));
        creditsCommand.Subcommands.Add(add);

        admin.Subcommands.Add(tenants);
        admin.Subcommands.Add(keys);
        admin.Subcommands.Add(creditsCommand);
        admin.Subcommands.Add(Usage(context, url, adminKey));
        return admin;
    }

    // clipgrains admin usage show|export: the usage log's breakdowns and its records, for invoicing.
    private static Command Usage(CliContext context, Option<string> url, Option<string?> adminKey)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant id (tn_…)", Required = true };
        var from = new Option<string?>("--from") { Description = "Start, a UTC date (2026-11-01) or ISO 8601 time; default 30 days ago" };
        var to = new Option<string?>("--to") { Description = "End, a UTC date (included) or ISO 8601 time (excluded); default now" };
        var format = new Option<string>("--format") { Description = "jsonl (one JSON object a line) or csv (with a header row)", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");

        var usage = new Command("usage", "A tenant's usage: per day, model and key, or every record for invoicing");
        var show = new Command("show", "Usage per day, model and key in a range") { tenant, from, to };
        show.SetAction((parse, ct) => SendAsync(context, parse, url, adminKey, HttpMethod.Get, $"/admin/v1/tenants/{Uri.EscapeDataString(parse.GetValue(tenant)!)}/usage{Range(parse, from, to)}", null, ct));
        var export = new Command("export", "Stream every usage record (credits included) to standard output") { tenant, from, to, format };
        export.SetAction((parse, ct) => StreamAsync(
            context, parse, url, adminKey, $"/admin/v1/tenants/{Uri.EscapeDataString(parse.GetValue(tenant)!)}/usage/records{Range(parse, from, to, parse.GetValue(format))}", ct));
        usage.Subcommands.Add(show);
        usage.Subcommands.Add(export);
        return usage;
    }

    private static string Range(ParseResult parse, Option<string?> from, Option<string?> to, string? format = null)
    {
        var query = new List<string>();
        if (parse.GetValue(from) is { Length: > 0 } f)
        {
            query.Add("from=" + Uri.EscapeDataString(f));
        }

        if (parse.GetValue(to) is { Length: > 0 } t)
        {
            query.Add("to=" + Uri.EscapeDataString(t));
        }

        if (format is not null)
        {
            query.Add("format=" + format);
        }

        return query.Count == 0 ? string.Empty : "?" + string.Join('&', query);
    }

    // Copies the response to standard output as it arrives: an export can be far larger than memory.
    private static async Task<int> StreamAsync(CliContext context, ParseResult parse, Option<string> url, Option<string?> adminKey, string path, CancellationToken cancellationToken)
    {
        using var http = Client(context);
        using var request = Request(parse, url, adminKey, HttpMethod.Get, path);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await context.Out.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return CliExitCode.Success;
    }

    private static HttpClient Client(CliContext context) =>
        context.HttpHandler is null ? new HttpClient() : new HttpClient(context.HttpHandler, disposeHandler: false);

    private static HttpRequestMessage Request(ParseResult parse, Option<string> url, Option<string?> adminKey, HttpMethod method, string path)
    {
        var key = parse.GetValue(adminKey) ?? throw new CliUsageException("Give the operator key with --admin-key or CLIPGRAINS_ADMIN_KEY.");
        var request = new HttpRequestMessage(method, new Uri(new Uri(parse.GetValue(url)!), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    // An API error becomes one line: the error's message when the body is one, else the body as it came.
    private static IOException Failure(HttpResponseMessage response, string text)
    {
        var message = text;
        try
        {
            using var document = JsonDocument.Parse(text);
            message = document.RootElement.GetProperty("error").GetProperty("message").GetString() ?? text;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Not an API error object (a proxy's page, say): show it as it came.
        }

        return new IOException($"HTTP {(int)response.StatusCode}: {message}");
    }

    private static object? Limits(int? rpm, int? ipm) =>
        rpm is null && ipm is null ? null : new { requests_per_minute = rpm ?? 600, images_per_minute = ipm ?? 600 };

    private static async Task<int> SendAsync(
        CliContext context, ParseResult parse, Option<string> url, Option<string?> adminKey, HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var http = Client(context);
        using var request = Request(parse, url, adminKey, method, path);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, text);
        }

        await context.Out.WriteLineAsync(text.Length == 0 ? "{}" : text);
        return CliExitCode.Success;
    }
}
