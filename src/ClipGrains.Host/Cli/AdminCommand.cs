using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains admin …</c>: the admin API from the command line (tenants, keys, limits, credits). Prints the API's
/// JSON; an API error becomes one line on stderr and exit code 1.
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
        return admin;
    }

    private static object? Limits(int? rpm, int? ipm) =>
        rpm is null && ipm is null ? null : new { requests_per_minute = rpm ?? 600, images_per_minute = ipm ?? 600 };

    private static async Task<int> SendAsync(
        CliContext context, ParseResult parse, Option<string> url, Option<string?> adminKey, HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var key = parse.GetValue(adminKey) ?? throw new CliUsageException("Give the operator key with --admin-key or CLIPGRAINS_ADMIN_KEY.");
        using var http = context.HttpHandler is null ? new HttpClient() : new HttpClient(context.HttpHandler, disposeHandler: false);
        using var request = new HttpRequestMessage(method, new Uri(new Uri(parse.GetValue(url)!), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
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

            throw new IOException($"HTTP {(int)response.StatusCode}: {message}");
        }

        await context.Out.WriteLineAsync(text.Length == 0 ? "{}" : text);
        return CliExitCode.Success;
    }
}
