using System.Text.Json;
using ClipGrains.Host.Cli;
using ClipGrains.Inference.Hub;

namespace ClipGrains.Host.Tests.Cli;

/// <summary>Runs the real command line in process and captures what it printed.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> InvokeAsync(params string[] args) => await InvokeAsync(new HubOptions(), null, args);

    public static async Task<CliRun> InvokeAsync(HubOptions hub, HttpMessageHandler? handler, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApplication.RunAsync(args, new CliContext(output, error, hub, handler));
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}: {Error}");
        using var document = JsonDocument.Parse(Out);
        return document.RootElement.Clone();
    }
}
