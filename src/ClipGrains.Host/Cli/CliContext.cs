using ClipGrains.Inference.Hub;

namespace ClipGrains.Host.Cli;

/// <summary>What a command may touch: its output streams and how to reach the hub (tests substitute all three).</summary>
/// <param name="Out">Receives the JSON result.</param>
/// <param name="Error">Receives the one-line error and download progress.</param>
/// <param name="Hub">Hub endpoint and token.</param>
/// <param name="HttpHandler">Handler for hub requests; null uses the default.</param>
internal sealed record CliContext(TextWriter Out, TextWriter Error, HubOptions Hub, HttpMessageHandler? HttpHandler = null);
