using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClipGrains.Client;
using ClipGrains.Client.Models;
using Spectre.Console;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains collections index|search</c>: a folder of images into a collection (ids from relative paths, ids already
/// stored skipped, so an interrupted run resumes), and a text or image search printed as JSON. Uses the typed client.
/// </summary>
internal static class CollectionsCommand
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"];

    public static Command Create(CliContext context)
    {
        var url = new Option<string>("--url")
        {
            Description = "Server base URL (env CLIPGRAINS_URL)",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CLIPGRAINS_URL") ?? "http://127.0.0.1:8080",
        };
        var key = new Option<string?>("--key")
        {
            Description = "API key, cg_… (env CLIPGRAINS_API_KEY)",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CLIPGRAINS_API_KEY"),
        };
        var collection = new Option<string>("--collection") { Description = "Collection name", Required = true, Recursive = true };
        var root = new Command("collections", "Index folders of images into a collection and search it") { url, key, collection };

        var folder = new Argument<DirectoryInfo>("folder") { Description = "Folder of images (searched recursively)" };
        var batch = new Option<int>("--batch") { Description = "Images per request (1-100)", DefaultValueFactory = _ => 16 };
        var index = new Command("index", "Store every image of a folder; ids are relative paths, ids already stored are skipped") { folder, batch };
        index.SetAction((parse, ct) => IndexAsync(context, Client(context, parse, url, key), parse.GetValue(collection)!, parse.GetValue(folder)!, parse.GetValue(batch), ct));

        var text = new Argument<string?>("query") { Description = "Text to search for", Arity = ArgumentArity.ZeroOrOne };
        var image = new Option<FileInfo?>("--image") { Description = "Search by this image instead of a text" };
        var topK = new Option<int>("--top-k") { Description = "Hits (1-100)", DefaultValueFactory = _ => 10 };
        var search = new Command("search", "Print the items closest to a text or an image, best first") { text, image, topK };
        search.SetAction((parse, ct) => SearchAsync(context, Client(context, parse, url, key), parse.GetValue(collection)!, parse.GetValue(text), parse.GetValue(image), parse.GetValue(topK), ct));
        root.Subcommands.Add(index);
        root.Subcommands.Add(search);
        return root;
    }

    /// <summary>
    /// An item id for a file: its path under the folder with '/' separators, and every byte outside printable ASCII (and
    /// '%' and space) percent-encoded, so any file name becomes a valid, reversible id.
    /// </summary>
    public static string IdOf(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var id = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(relativePath.Replace('\\', '/')))
        {
            id.Append(b is > (byte)' ' and <= (byte)'~' and not (byte)'%' ? ((char)b).ToString() : $"%{b:X2}");
        }

        return id.ToString();
    }

    private static (ClipGrainsClient Client, HttpClient Http) Client(CliContext context, ParseResult parse, Option<string> url, Option<string?> key)
    {
        var apiKey = parse.GetValue(key) ?? throw new CliUsageException("Give the API key with --key or CLIPGRAINS_API_KEY.");
        var http = context.HttpHandler is null ? new HttpClient() : new HttpClient(context.HttpHandler, disposeHandler: false);
        http.BaseAddress = new Uri(new Uri(parse.GetValue(url)!.TrimEnd('/') + "/"), "v1/");
        http.Timeout = TimeSpan.FromMinutes(5);
        return (new ClipGrainsClient(http, apiKey), http);
    }

    private static async Task<int> IndexAsync(CliContext context, (ClipGrainsClient Client, HttpClient Http) api, string name, DirectoryInfo folder, int batch, CancellationToken cancellationToken)
    {
        using var http = api.Http;
        var client = api.Client;
        if (batch is < 1 or > 100)
        {
            throw new CliUsageException("--batch must be between 1 and 100.");
        }

        if (!folder.Exists)
        {
            throw new CliUsageException($"There is no folder {folder.FullName}.");
        }

        var files = folder.EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(f.Extension.ToLowerInvariant()))
            .Select(f => (File: f, Id: IdOf(Path.GetRelativePath(folder.FullName, f.FullName))))
            .Where(f => f.Id.Length <= 128)
            .OrderBy(f => f.Id, StringComparer.Ordinal).ToList();

        try
        {
            await client.GetCollectionAsync(name, cancellationToken);
        }
        catch (ClipGrainsApiException e) when (e.Status == 404)
        {
            await client.CreateCollectionAsync(new CreateCollectionRequest(name), cancellationToken);
        }

        // Resuming: what is stored already is skipped (ids are listed in order, a page at a time).
        var stored = new HashSet<string>(StringComparer.Ordinal);
        for (string? after = null; ;)
        {
            var page = await client.ListItemsAsync(name, limit: 100, after: after, cancellationToken: cancellationToken);
            stored.UnionWith(page.Data.Select(i => i.Id));
            if (!page.HasMore)
            {
                break;
            }

            after = page.LastId;
        }

        var todo = files.Where(f => !stored.Contains(f.Id)).ToList();
        var (indexed, failed, credits) = (0, 0, 0L);
        var errors = new List<string>();
        async Task RunAsync(Action<int>? advance)
        {
            foreach (var chunk in todo.Chunk(batch))
            {
                var items = new List<ItemInput>(chunk.Length);
                foreach (var (file, id) in chunk)
                {
                    var metadata = new Dictionary<string, JsonElement> { ["path"] = JsonSerializer.SerializeToElement(Path.GetRelativePath(folder.FullName, file.FullName).Replace('\\', '/')) };
                    items.Add(ItemInput.FromImage(id, await File.ReadAllBytesAsync(file.FullName, cancellationToken), metadata));
                }

                // The key is the batch's ids: a retried batch (after a lost answer) is answered again, not charged twice.
                var idempotencyKey = "index-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name + "\n" + string.Join('\n', chunk.Select(c => c.Id)))))[..32];
                var result = await client.UpsertItemsAsync(name, items, idempotencyKey, cancellationToken);
                indexed += result.Data.Count(r => r.Status is "created" or "updated");
                failed += result.Data.Count(r => r.Status == "failed");
                errors.AddRange(result.Data.Where(r => r.Error is not null).Select(r => $"{r.Id}: {r.Error!.Message}"));
                credits += result.Usage.Credits;
                advance?.Invoke(chunk.Length);
            }
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"indexing into {Markup.Escape(name)}", maxValue: Math.Max(1, todo.Count));
                    await RunAsync(n => task.Increment(n));
                });
        }
        else
        {
            await RunAsync(null);
        }

        foreach (var error in errors.Take(20))
        {
            await context.Error.WriteLineAsync(error);
        }

        await context.Out.WriteLineAsync(JsonSerializer.Serialize(new { collection = name, files = files.Count, skipped = files.Count - todo.Count, indexed, failed, credits }));
        return failed == 0 ? CliExitCode.Success : CliExitCode.BadInput;
    }

    private static async Task<int> SearchAsync(
        CliContext context, (ClipGrainsClient Client, HttpClient Http) api, string name, string? text, FileInfo? image, int topK, CancellationToken cancellationToken)
    {
        using var http = api.Http;
        if ((text is null) == (image is null))
        {
            throw new CliUsageException("Give a query text or --image, not both.");
        }

        var query = image is null
            ? new SearchQuery(Text: text)
            : new SearchQuery(Image: "data:application/octet-stream;base64," + Convert.ToBase64String(await File.ReadAllBytesAsync(image.FullName, cancellationToken)));
        var hits = await api.Client.SearchAsync(name, new SearchRequest(query, topK), cancellationToken);
        await context.Out.WriteLineAsync(JsonSerializer.Serialize(new
        {
            data = hits.Data.Select(h => new { id = h.Id, score = Math.Round(h.Score, 6), metadata = h.Metadata }),
            credits = hits.Usage.Credits,
        }));
        return CliExitCode.Success;
    }
}
