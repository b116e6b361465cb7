using ClipGrains.Abstractions.Storage;
using ClipGrains.Gateway;
using ClipGrains.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClipGrains.Host.Server;

/// <summary>
/// <c>clipgrains serve</c>: one process running an Orleans silo and the HTTP gateway. Out of the box it is a
/// single-machine cluster (localhost clustering) keeping grain state in a SQLite file under
/// <c>ClipGrains:DataDirectory</c>; every setting comes from appsettings.json, environment variables
/// (<c>ClipGrains__Model__Path</c>) or the command line (<c>--ClipGrains:Model:Path=…</c>).
/// </summary>
internal static class ServerApp
{
    /// <param name="args">Command-line arguments (configuration switches).</param>
    /// <param name="configure">Last-moment changes to the builder (tests add a capturing logger here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json ships beside the executable; the working directory is wherever the user is.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configuration = builder.Configuration;
        var dataDirectory = DataDirectory(configuration);
        configuration["ClipGrains:DataDirectory"] = dataDirectory;

        // Optimised graphs are per machine: beside the server's own data unless configured elsewhere.
        configuration["ClipGrains:Model:OptimizedGraphCache"] ??= Path.Combine(dataDirectory, "optimized-graphs");
        configuration["ClipGrains:Collections:SnapshotDirectory"] ??= Path.Combine(dataDirectory, "collection-snapshots");
        var cluster = ClusterSetup.Read(configuration);
        ClusterSetup.EnsurePortsFree(cluster);
        PrivateFiles.CreateDirectory(dataDirectory);
        builder.UseOrleans(silo =>
        {
            ClusterSetup.Configure(silo, cluster, configuration, dataDirectory);

            // Grain calls must be allowed to last as long as the requests they serve, or a busy silo turns a slow
            // request into a timeout instead of an answer.
            silo.Services.AddOptions<Orleans.Configuration.SiloMessagingOptions>()
                .Configure<IOptions<GatewayOptions>>((o, limits) => o.ResponseTimeout = limits.Value.RequestTimeout + TimeSpan.FromSeconds(15));
            silo.AddClipGrains(configuration);
            silo.AddActivityPropagation();
        });
        // A graceful stop waits for admitted requests (each bounded by the request timeout) before the silo leaves.
        builder.Services.AddOptions<HostOptions>()
            .Configure<IOptions<GatewayOptions>>((o, limits) => o.ShutdownTimeout = limits.Value.RequestTimeout + limits.Value.ShutdownDelay + TimeSpan.FromSeconds(15));
        TelemetrySetup.Add(builder);
        builder.Services.AddClipGrainsGateway(configuration);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureClipGrainsConnections());
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapClipGrainsApi();
        TelemetrySetup.Map(app);
        return app;
    }

    /// <summary><c>ClipGrains:DataDirectory</c>, else <c>$XDG_DATA_HOME/clipgrains</c>, else <c>~/.local/share/clipgrains</c>.</summary>
    public static string DataDirectory(IConfiguration configuration)
    {
        if (configuration["ClipGrains:DataDirectory"] is { Length: > 0 } configured)
        {
            return configured;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "clipgrains");
    }

    /// <summary>Runs the server until it is stopped; a configuration it cannot run is one line on <paramref name="error"/> and exit code 78.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        try
        {
            await using var app = Build(args);
            await app.RunAsync();
            return Environment.ExitCode;
        }
        catch (Exception e) when (IsConfigurationError(e))
        {
            await error.WriteLineAsync("error: " + Describe(e).ReplaceLineEndings(" "));
            return Cli.CliExitCode.Configuration;
        }
    }

    // Several invalid sections at once come as one AggregateException from the start-up validation.
    private static bool IsConfigurationError(Exception e) =>
        e is ConfigurationException or OptionsValidationException || IsUnreadableValue(e) || (e is AggregateException all && all.InnerExceptions.All(IsConfigurationError));

    private static string Describe(Exception e) => e switch
    {
        OptionsValidationException invalid => string.Join(" ", invalid.Failures),
        AggregateException all => string.Join(" ", all.InnerExceptions.Select(Describe)),
        _ => e.Message,
    };

    // The configuration binder's own error for a value of the wrong type ("abc" for a number or a duration): it already
    // names the key, the value and the type in one sentence.
    private static bool IsUnreadableValue(Exception e) =>
        e is InvalidOperationException && e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal);
}
