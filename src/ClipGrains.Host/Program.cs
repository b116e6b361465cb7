using ClipGrains.Host.Cli;
using ClipGrains.Inference.Hub;

return await CliApplication.RunAsync(args, new CliContext(Console.Out, Console.Error, HubOptions.FromEnvironment()));
