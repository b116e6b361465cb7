using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Host.Tests.Cli;

public sealed class CliGoldenTests
{
    [SkippableFact]
    public async Task Tokenize_prints_the_reference_ids_and_mask()
    {
        var reference = GoldenData.Json("tokenizer_cases.json").GetProperty("cases")[1];

        var json = (await CliRun.InvokeAsync("tokenize", "--model", GoldenData.TinyClip, reference.GetProperty("text").GetString()!)).Json();

        foreach (var name in new[] { "input_ids", "attention_mask" })
        {
            Assert.Equal(Ints(reference.GetProperty(name)), Ints(json.GetProperty(name)));
        }
    }

    private static int[] Ints(System.Text.Json.JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [SkippableFact]
    public async Task Preprocess_f32_writes_the_reference_tensor_within_tolerance()
    {
        var output = Path.Combine(Path.GetTempPath(), $"clipgrains-{Guid.NewGuid():N}.f32");
        try
        {
            var run = await CliRun.InvokeAsync("preprocess", "--model", GoldenData.TinyClip, GoldenData.Image("rocket.jpg"), "--output", output);

            Assert.Equal("[3,224,224]", run.Json().GetProperty("shape").GetRawText());
            var bytes = await File.ReadAllBytesAsync(output);
            var actual = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, actual, 0, bytes.Length);
            var (mean, max) = Differences.MeanMax(GoldenData.Pixels("rocket.jpg"), actual);
            Assert.True(mean < 1e-3 && max < 0.031, $"mean {mean}, max {max}");
        }
        finally
        {
            File.Delete(output);
        }
    }

    [SkippableFact]
    public async Task Classify_prints_the_pipeline_result_in_order_within_1e3()
    {
        var reference = GoldenData.Json("pipeline_zero_shot.json").GetProperty("cases")[0];
        var labels = string.Join(',', reference.GetProperty("candidate_labels").EnumerateArray().Select(l => l.GetString()));

        var json = (await CliRun.InvokeAsync(
            "classify", "--model", GoldenData.TinyClip, "--image", GoldenData.Image(reference.GetProperty("image").GetString()!), "--labels", labels)).Json();

        var expected = reference.GetProperty("result").EnumerateArray().ToList();
        var actual = json.GetProperty("labels").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.GetProperty("label").GetString()), actual.Select(a => a.GetProperty("label").GetString()));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].GetProperty("score").GetDouble(), actual[i].GetProperty("score").GetDouble(), 0.001);
        }
    }

    [SkippableFact]
    public async Task Eval_counts_top1_and_top5_against_the_reference_ranking()
    {
        // The tiny random model ranks "rocket" first for astronaut.png, chelsea.png and coffee.png (pipeline_zero_shot.json),
        // so with folders rocket/astronaut.png, cat/chelsea.png, coffee/coffee.png exactly one of three is a top-1 hit.
        var root = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "eval-" + Guid.NewGuid().ToString("N"));
        foreach (var (label, image) in new[] { ("rocket", "astronaut.png"), ("cat", "chelsea.png"), ("coffee", "coffee.png") })
        {
            Directory.CreateDirectory(Path.Combine(root, "images", label));
            File.Copy(GoldenData.Image(image), Path.Combine(root, "images", label, image));
        }

        var labelSet = Path.Combine(root, "labels.json");
        await File.WriteAllTextAsync(labelSet, """{"labels":["cat","dog","astronaut","rocket","coffee"],"templates":["This is a photo of {}."]}""");
        try
        {
            var json = (await CliRun.InvokeAsync("eval", "--model", GoldenData.TinyClip, "--label-set", labelSet, "--images", Path.Combine(root, "images"), "--batch-size", "2")).Json();

            Assert.Equal(3, json.GetProperty("images").GetInt32());
            Assert.Equal(1.0 / 3, json.GetProperty("top1").GetDouble(), 9);
            Assert.Equal(1.0, json.GetProperty("top5").GetDouble());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Eval_refuses_a_folder_that_is_not_a_label()
    {
        var root = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "eval-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "images", "zebra"));
        var labelSet = Path.Combine(root, "labels.json");
        await File.WriteAllTextAsync(labelSet, """{"labels":["cat"],"templates":["a {}"]}""");

        var run = await CliRun.InvokeAsync("eval", "--model", GoldenData.TinyClip, "--label-set", labelSet, "--images", Path.Combine(root, "images"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("folder name \"zebra\" is not one of the label set's labels", run.Error, StringComparison.Ordinal);
        Directory.Delete(root, recursive: true);
    }
}
