using ClipGrains.Host.Cli;
using ClipGrains.Host.Server;
using ClipGrains.Inference.Hub;

// "clipgrains" alone, "clipgrains serve …" or configuration switches only ("--ClipGrains:Model:Path=…") run the
// server; its arguments are configuration, which System.CommandLine must not try to parse.
if (args.Length == 0 || args[0] == "serve" || (args[0].StartsWith("--", StringComparison.Ordinal) && args[0].Contains(':', StringComparison.Ordinal)))
{
    var settings = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
    if (ServeUsage.IsRequested(settings))
    {
        await Console.Out.WriteLineAsync(ServeUsage.Text);
        return 0;
    }

    return await ServerApp.RunAsync(settings, Console.Error);
}

return await CliApplication.RunAsync(args, new CliContext(Console.Out, Console.Error, HubOptions.FromEnvironment()));
