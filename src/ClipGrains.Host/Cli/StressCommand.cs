using System.CommandLine;
using System.Text.Json;
using ClipGrains.Host.Bench;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains stress fairness|big-bodies|cold-start</c>: measurements against a running server on this
/// machine (bounded in time and count; loopback or the user's own server): a victim tenant's latency alone and during
/// another tenant's flood, and the server's memory under huge JSON bodies. Results are JSON on stdout.
/// </summary>
internal static class StressCommand
{
    private static readonly JsonSerializerOptions ReportJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static Command Create(CliContext context) => new("stress", "Measure tenant isolation and memory bounds against a running server")
    {
        Fairness(context),
        BigBodies(context),
        ColdStart(context),
        Admission(context),
        Collections(context),
        CollectionsHttp(context),
    };

    private static Command CollectionsHttp(CliContext context)
    {
        var url = new Option<string>("--url") { Description = "Server base URL", Required = true };
        var apiKey = new Option<string>("--api-key") { Description = "Bearer key of a tenant with credits and quota", Required = true };
        var name = new Option<string>("--collection") { DefaultValueFactory = _ => "bench-" + Guid.NewGuid().ToString("N")[..8], Description = "Collection to create and fill" };
        var items = new Option<int>("--items") { DefaultValueFactory = _ => 100_000, Description = "Items inserted (a multiple of 100)" };
        var dimensions = new Option<int>("--dimensions") { DefaultValueFactory = _ => 512, Description = "The server model's embedding width" };
        var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 4, Description = "Concurrent insert clients" };
        var queries = new Option<int>("--queries") { DefaultValueFactory = _ => 200, Description = "Searches measured by embedding" };
        var command = new Command("collections-http", "Against a running server: HTTP inserts of precomputed embeddings, graph build, and search latency by embedding and by text")
        {
            url, apiKey, name, items, dimensions, clients, queries,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var server = Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var parsed) ? parsed : throw new CliUsageException("--url must be an absolute URL.");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var result = await CollectionHttpRun.MeasureAsync(
                http, server, parse.GetValue(apiKey)!, parse.GetValue(name)!, parse.GetValue(items), parse.GetValue(dimensions), parse.GetValue(clients), parse.GetValue(queries),
                context.Error, cancellationToken);
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(result, ReportJson));
            return CliExitCode.Success;
        });
        return command;
    }

    private static Command Collections(CliContext context)
    {
        var items = new Option<int>("--items") { DefaultValueFactory = _ => 100_000, Description = "Items in the shard" };
        var dimensions = new Option<int>("--dimensions") { DefaultValueFactory = _ => 512, Description = "Vector width (ViT-B/32: 512)" };
        var queries = new Option<int>("--queries") { DefaultValueFactory = _ => 200, Description = "Queries measured" };
        var quantization = new Option<string>("--quantization") { DefaultValueFactory = _ => "i8", Description = "Graph vector type: i8, f16, f32" };
        var m = new Option<int>("--m") { DefaultValueFactory = _ => 16, Description = "HNSW links per node" };
        var efConstruction = new Option<int>("--ef-construction") { DefaultValueFactory = _ => 64, Description = "HNSW breadth while adding" };
        var efSearch = new Option<int>("--ef-search") { DefaultValueFactory = _ => 64, Description = "HNSW breadth while searching" };
        var restart = new Option<bool>("--restart") { Description = "Also write the rows to SQLite and time loading them back (a shard's activation)" };
        var tagItems = new Option<int>("--tag-items") { DefaultValueFactory = _ => 100_000, Description = "Stored items tagged against the label matrix" };
        var tagLabels = new Option<int>("--tag-labels") { DefaultValueFactory = _ => 1000, Description = "Labels of the tagging matrix" };
        var spread = new Option<float>("--spread") { DefaultValueFactory = _ => 0.025f, Description = "Noise per dimension around a centre (0.025: cosine ~0.75 within a cluster, like one CLIP class)" };
        var curve = new Option<int[]>("--ef-curve") { DefaultValueFactory = _ => [32, 64, 128, 256], Description = "Search breadths to measure recall and latency at" };
        var command = new Command("collections", "In process: one shard's HNSW index against exact search — recall@10, latency, build rate, memory, restart, tagging")
        {
            items, dimensions, queries, quantization, m, efConstruction, efSearch, restart, tagItems, tagLabels, spread, curve,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new Abstractions.Collections.IndexSettings("hnsw", parse.GetValue(quantization)!, parse.GetValue(m), parse.GetValue(efConstruction), parse.GetValue(efSearch), 0);
            var result = await Task.Run(
                () => CollectionIndexRun.Measure(parse.GetValue(items), parse.GetValue(dimensions), parse.GetValue(queries), parse.GetValue(spread), parse.GetValue(curve)!, settings, parse.GetValue(restart),
                    parse.GetValue(tagItems), parse.GetValue(tagLabels), context.Error),
                cancellationToken);
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(result, ReportJson));
            return CliExitCode.Success;
        });
        return command;
    }

    private static Command Admission(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model folder the in-process server loads (any CLIP export; inference is not on the measured path)", Required = true };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 64, Description = "Concurrent workers of the one tenant" };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 10, Description = "Duration of each admission phase" };
        var lone = new Option<int>("--lone-requests") { DefaultValueFactory = _ => 2_000, Description = "Sequential HTTP requests of the lone client, per phase" };
        var sustain = new Option<double>("--sustain-minutes") { DefaultValueFactory = _ => 0, Description = "Then keep the exact path loaded this long, reporting the tenant's stored state size each minute" };
        var command = new Command("admission", "In process: one tenant's admissions per second through authenticate + admit + settle, exact path and leases; lone-request latency; state size")
        {
            model, concurrency, seconds, lone, sustain,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var result = await AdmissionRun.MeasureAsync(
                parse.GetValue(model)!, parse.GetValue(concurrency), TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(lone),
                TimeSpan.FromMinutes(parse.GetValue(sustain)), context.Error, cancellationToken);
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                phases = result.Phases,
                lone_requests = result.LoneRequests.Select(l => new { path = l.Path, latency_ms = l.LatencyMs }),
                state_over_time = result.StateOverTime.Select(s => new { minute = s.Minute, state_bytes = s.StateBytes }),
            }, ReportJson));
        });
        return command;
    }

    private static Command Fairness(CliContext context)
    {
        var url = new Option<string>("--url") { Description = "Server base URL", Required = true };
        var image = new Option<string>("--image") { Description = "Image sent in every request", Required = true };
        var victimKey = new Option<string>("--victim-key") { Description = "API key of the tenant whose latency is measured", Required = true };
        var floodKey = new Option<string>("--flood-key") { Description = "API key of the flooding tenant", Required = true };
        var floodClients = new Option<int>("--flood-clients") { DefaultValueFactory = _ => 16, Description = "Concurrent clients of the flooding tenant" };
        var floodImages = new Option<int>("--flood-images") { DefaultValueFactory = _ => 8, Description = "Images per flooding request" };
        var floodLabels = new Option<int>("--flood-labels") { DefaultValueFactory = _ => 256, Description = "Ad-hoc labels per flooding request (16 templates each)" };
        var floodImage = new Option<string?>("--flood-image") { Description = "The flooding tenant's image (default --image); a large PNG makes a decode-bound flood" };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 20, Description = "Duration of each phase" };
        var command = new Command("fairness", "A victim tenant's p50/p99 alone, then during another tenant's flood")
        {
            url, image, victimKey, floodKey, floodClients, floodImages, floodLabels, floodImage, seconds,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var bytes = await ImageFile.ReadAsync(parse.GetValue(image)!, cancellationToken);
            var gateway = Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var parsed) ? parsed : throw new CliUsageException("--url must be an absolute URL.");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            var victim = new LoadGenerator(http, [gateway], LoadGenerator.ClassificationBody(bytes, 1, ["cat", "dog", "bird", "car", "tree"], null), 1, parse.GetValue(victimKey));
            var labels = Enumerable.Range(0, parse.GetValue(floodLabels)).Select(i => $"flood label {i}").ToList();
            var floodBytes = parse.GetValue(floodImage) is { } floodPath ? await ImageFile.ReadAsync(floodPath, cancellationToken) : bytes;
            var floodBody = LoadGenerator.ClassificationBody(floodBytes, parse.GetValue(floodImages), labels, null, templates: 16);
            var flood = new LoadGenerator(http, [gateway], floodBody, parse.GetValue(floodImages), parse.GetValue(floodKey));
            await context.Error.WriteLineAsync($"victim alone, then with {parse.GetValue(floodClients)} flooding clients, {parse.GetValue(seconds)} s each…");
            var result = await FairnessRun.MeasureAsync(victim, flood, parse.GetValue(floodClients), TimeSpan.FromSeconds(parse.GetValue(seconds)), cancellationToken);
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                victim_alone = Describe(result.VictimAlone),
                victim_during_flood = Describe(result.VictimDuringFlood),
                flood = Describe(result.Flood),
                p50_ratio = result.VictimAlone.LatencyMs.P50 == 0 ? (double?)null : Math.Round(result.VictimDuringFlood.LatencyMs.P50 / result.VictimAlone.LatencyMs.P50, 2),
                p99_ratio = result.VictimAlone.LatencyMs.P99 == 0 ? (double?)null : Math.Round(result.VictimDuringFlood.LatencyMs.P99 / result.VictimAlone.LatencyMs.P99, 2),
            }, ReportJson));
        });
        return command;
    }

    private static Command BigBodies(CliContext context)
    {
        var url = new Option<string>("--url") { Description = "Server base URL", Required = true };
        var apiKey = new Option<string?>("--api-key") { Description = "Bearer key (omit to measure unauthenticated bodies)" };
        var pid = new Option<int>("--pid") { Description = "The server's process id, for its resident memory", Required = true };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 4, Description = "Bodies sent at once" };
        var items = new Option<int>("--items") { DefaultValueFactory = _ => 16_000_000, Description = "Items in each body's input array (2 bytes each)" };
        var settle = new Option<double>("--settle") { DefaultValueFactory = _ => 2, Description = "Seconds after the burst at which memory is read again" };
        var command = new Command("big-bodies", "Server memory before, during and after huge {\"input\":[1,1,…]} bodies") { url, apiKey, pid, concurrency, items, settle };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var gateway = Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var parsed) ? parsed : throw new CliUsageException("--url must be an absolute URL.");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var result = await BigBodyRun.MeasureAsync(
                http, gateway, parse.GetValue(apiKey), parse.GetValue(pid), parse.GetValue(concurrency), parse.GetValue(items), TimeSpan.FromSeconds(parse.GetValue(settle)), cancellationToken);
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                result.Bodies, result.BodyBytes, rss_before_mb = Mb(result.RssBeforeBytes), rss_peak_mb = Mb(result.RssPeakBytes), rss_after_mb = Mb(result.RssAfterBytes),
                statuses = result.Statuses.ToDictionary(s => s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), s => s.Value), seconds = Math.Round(result.Seconds, 2),
            }, ReportJson));
        });
        return command;
    }

    private static Command ColdStart(CliContext context)
    {
        var url = new Option<string>("--url") { Description = "Server base URL", Required = true };
        var apiKey = new Option<string>("--api-key") { Description = "Bearer key of a tenant with credits", Required = true };
        var pid = new Option<int>("--pid") { Description = "The server's process id, for its resident memory", Required = true };
        var cold = new Option<string>("--cold") { Description = "A model the server unloads when idle (MinCopies 0, a short IdleTimeout)", Required = true };
        var warm = new Option<string>("--warm") { Description = "A model the server keeps loaded", Required = true };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 10, Description = "Duration of the warm model's baseline" };
        var command = new Command("cold-start", "A cold model's first request, memory around its load and unload, and a warm model's latency meanwhile")
        {
            url, apiKey, pid, cold, warm, seconds,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var gateway = Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var parsed) ? parsed : throw new CliUsageException("--url must be an absolute URL.");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var r = await ColdStartRun.MeasureAsync(
                http, gateway, parse.GetValue(apiKey)!, parse.GetValue(pid), parse.GetValue(cold)!, parse.GetValue(warm)!, TimeSpan.FromSeconds(parse.GetValue(seconds)), cancellationToken);
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                first_cold_request_ms = Math.Round(r.FirstColdRequestMs, 1), second_cold_request_ms = Math.Round(r.SecondColdRequestMs, 1),
                rss_before_mb = Mb(r.RssBeforeBytes), rss_after_load_mb = Mb(r.RssAfterLoadBytes), rss_after_unload_mb = Mb(r.RssAfterUnloadBytes),
                unload_seconds = Math.Round(r.UnloadSeconds, 1), warm_alone_ms = r.WarmAlone, warm_during_load_ms = r.WarmDuringLoad, warm_requests_during_load = r.WarmRequestsDuringLoad,
            }, ReportJson));
        });
        return command;
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1048576.0, 1);

    private static object Describe(LoadResult r) => new
    {
        r.Requests, r.Errors, latency_ms = r.LatencyMs, statuses = r.StatusCounts.ToDictionary(s => s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), s => s.Value),
    };
}
