using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ClipGrains.Host.Bench;
using ClipGrains.Inference;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains bench --url URL [--url URL …] --image FILE [--model DIR] …</c>: drives a running server's classification API
/// with N concurrent clients for a fixed time and, in the same run, measures the raw ONNX Runtime vision
/// ceiling on the same machine; prints throughput, latency percentiles and their ratios as JSON.
/// </summary>
internal static class BenchCommand
{
    private static readonly JsonSerializerOptions ReportJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var url = new Option<string[]>("--url") { Description = "Server base URL, e.g. http://127.0.0.1:8080; repeat for the gateways of several silos (round-robin)", Required = true };
        var image = new Option<string>("--image") { Description = "Image sent in every request", Required = true };
        var model = new Option<string?>("--model") { Description = "Model folder for the raw ONNX Runtime ceiling (same graphs the server runs)" };
        var variant = new Option<string>("--variant") { Description = "Graph variant for the ceiling (the server's ClipGrains:Model:Variant), e.g. quantized", DefaultValueFactory = _ => string.Empty };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads for the ceiling (0: one per core)", DefaultValueFactory = _ => 0 };
        var labels = new Option<string?>("--labels") { Description = "Comma-separated ad-hoc labels (default: 5 labels)" };
        var labelSet = new Option<string?>("--label-set") { Description = "Classify against this stored label set instead" };
        var concurrency = new Option<int[]>("--concurrency") { Description = "Concurrent clients; repeat for several runs", DefaultValueFactory = _ => [1, 8] };
        var images = new Option<int>("--images-per-request") { DefaultValueFactory = _ => 1, Description = "Images per request" };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 20, Description = "Duration of each run" };
        var maxRequests = new Option<int>("--max-requests") { DefaultValueFactory = _ => 100_000, Description = "Upper bound on requests per run" };
        var apiKey = new Option<string?>("--api-key") { Description = "Bearer key, when the server requires one" };
        var output = new Option<string?>("--output") { Description = "Also write the JSON result to this file" };
        var repeat = new Option<bool>("--repeat-images") { Description = "Send byte-identical images (measures the image-embedding cache instead of inference)" };
        var paired = new Option<int>("--paired")
        {
            Description = "Also measure a lone request's cost over the model in N pairs (raw batch-1 run, then one request, alternately; needs --model)",
            DefaultValueFactory = _ => 0,
        };
        var roundsOption = new Option<int>("--rounds")
        {
            Description = "Alternate raw ONNX Runtime (A) and the server (B) this many times, A B A B …, and report each round and the medians",
            DefaultValueFactory = _ => 2,
        };
        var command = new Command("bench", "Load-test a running server and compare with raw ONNX Runtime in the same run")
        {
            url, image, model, variant, threads, labels, labelSet, concurrency, images, seconds, maxRequests, apiKey, output, repeat, paired, roundsOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var bytes = await ImageFile.ReadAsync(parse.GetValue(image)!, cancellationToken);
            var candidates = (parse.GetValue(labels) ?? "cat,dog,bird,car,tree").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var perRequest = parse.GetValue(images);
            var body = LoadGenerator.ClassificationBody(bytes, perRequest, candidates, parse.GetValue(labelSet), parse.GetValue(repeat));
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            var gateways = parse.GetValue(url)!.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var parsed) ? parsed : throw new CliUsageException($"--url '{u}' is not an absolute URL.")).ToArray();
            var generator = new LoadGenerator(http, gateways, body, perRequest, parse.GetValue(apiKey));

            if (parse.GetValue(paired) > 0 && parse.GetValue(model) is null)
            {
                throw new CliUsageException("--paired needs --model: each pair runs the raw model once.");
            }

            var rounds = parse.GetValue(roundsOption);
            if (rounds < 1)
            {
                throw new CliUsageException("--rounds must be at least 1.");
            }

            using var clip = parse.GetValue(model) is { } folder
                ? ClipModel.Load(Inference.Model.ModelBundle.Open(folder, parse.GetValue(variant)!), new Inference.Model.ClipModelOptions { IntraOpThreads = parse.GetValue(threads) })
                : null;
            var counters = new ServerCounters(http, gateways);
            PairedLatency.Result? pairs = null;
            if (clip is not null && parse.GetValue(paired) is > 0 and var count)
            {
                await context.Error.WriteLineAsync($"paired lone-request latency: {count} pairs…");
                pairs = await PairedLatency.MeasureAsync(clip, OrtCeiling.Tensor(clip, bytes), generator, count, cancellationToken);
            }

            // A B A B: each round measures raw ONNX Runtime (and the decode cost) right before the server runs it is
            // compared with, so a machine whose speed drifts between minutes moves both sides of each ratio together.
            var ortBudget = TimeSpan.FromSeconds(Math.Min(10, parse.GetValue(seconds)));
            var runs = new List<BenchRun>();
            var ceilings = new List<object>();
            for (var round = 1; round <= rounds; round++)
            {
                OrtCeiling.Result? ceiling = null;
                DecodeCost.Result? decode = null;
                if (clip is not null)
                {
                    await context.Error.WriteLineAsync($"round {round}: raw ONNX Runtime (vision session alone) and the decode + preprocess cost…");
                    ceiling = OrtCeiling.Measure(clip, bytes, [1, 8, 32], ortBudget);
                    decode = DecodeCost.Measure(clip, bytes, TimeSpan.FromSeconds(2));
                    ceilings.Add(new
                    {
                        round,
                        ort = new
                        {
                            batch1_median_ms = Math.Round(ceiling.Batch1MedianMs, 2),
                            images_per_second_by_batch = ceiling.ImagesPerSecondByBatch.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => Math.Round(p.Value, 2)),
                            cpu_ms_per_image_by_batch = ceiling.CpuMillisecondsPerImageByBatch.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => Math.Round(p.Value, 1)),
                            best_batch = ceiling.BestBatch,
                        },
                        decode = new { median_ms = Math.Round(decode.MedianMs, 2), cpu_ms_per_image = Math.Round(decode.CpuMsPerImage, 2), decode.Runs },
                        ceiling_images_per_second = Math.Round(BenchRun.Ceiling(ceiling, decode), 2),
                    });
                }

                foreach (var clients in parse.GetValue(concurrency)!)
                {
                    await context.Error.WriteLineAsync($"round {round}: {clients} concurrent client(s) for {parse.GetValue(seconds)} s…");
                    var progress = new Progress<(int Done, double Elapsed)>(p =>
                    {
                        if (p.Done % 25 == 0)
                        {
                            context.Error.WriteLine($"  {p.Done} requests, {p.Elapsed:F0} s");
                        }
                    });
                    var before = await counters.ReadAsync(cancellationToken);
                    var result = await generator.RunAsync(clients, TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(maxRequests), progress, cancellationToken);
                    var used = await counters.ReadAsync(cancellationToken) - before;
                    runs.Add(new BenchRun(round, result, used.CpuSeconds, ceiling, decode, used.AllocatedBytes, bytes.Length));
                }
            }

            var report = new
            {
                machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
                method = "ceiling = 1 / (1/ort_best + decode_cpu_seconds/cores); cpu_ratio = server CPU per image / (ORT CPU per image at its best batch + decode CPU per image); each round measures ORT and decode right before its server runs; allocated_per_image_byte = server managed-heap bytes allocated per image / the encoded image size (target <= 2)",
                ceilings,
                paired = pairs is null ? null : new
                {
                    pairs.Pairs, pairs.Errors, ort_batch1_median_ms = Math.Round(pairs.OrtMedianMs, 1), request_median_ms = Math.Round(pairs.ServerMedianMs, 1),
                    difference_median_ms = Math.Round(pairs.DifferenceMedianMs, 1), difference_p90_ms = Math.Round(pairs.DifferenceP90Ms, 1),
                },
                runs = runs.Select(r => r.Report()),
                medians = runs.GroupBy(r => r.Result.Concurrency).Select(g => BenchRun.Medians(g.Key, [.. g])),
            };
            var json = JsonSerializer.Serialize(report, ReportJson);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file, json, cancellationToken);
            }

            await context.Out.WriteLineAsync(json);
        });
        return command;
    }
}
