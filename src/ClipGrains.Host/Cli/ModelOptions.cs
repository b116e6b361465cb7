using System.CommandLine;
using ClipGrains.Inference.Model;

namespace ClipGrains.Host.Cli;

/// <summary>The options every model-using command shares.</summary>
internal sealed class ModelOptions
{
    public Option<string> Model { get; } = new("--model", "-m")
    {
        Description = "Model folder in Hugging Face layout, or a hub id such as " + ClipModelOptions.DefaultModelId,
        Required = true,
    };

    public Option<string> Variant { get; } = new("--variant")
    {
        Description = "ONNX variant suffix, e.g. quantized or fp16 (default: fp32 graphs)",
        DefaultValueFactory = _ => string.Empty,
    };

    public Option<string?> CacheDirectory { get; } = new("--cache-dir")
    {
        Description = "Where hub downloads are kept (default: ~/.cache/clipgrains)",
    };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "ONNX Runtime intra-op threads (0: one per core)",
        DefaultValueFactory = _ => 0,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Variant);
        command.Options.Add(CacheDirectory);
        command.Options.Add(Threads);
    }
}
