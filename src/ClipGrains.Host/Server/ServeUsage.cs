namespace ClipGrains.Host.Server;

/// <summary>
/// What <c>clipgrains serve --help</c> prints. The server's arguments are configuration switches, not options that
/// System.CommandLine knows, so its help is written here; the settings themselves are documented in docs/operations.md.
/// </summary>
internal static class ServeUsage
{
    private static readonly string[] HelpSwitches = ["--help", "-h", "-?", "/?", "help"];

    /// <summary>Whether <paramref name="args"/> (what follows <c>serve</c>) ask for help rather than a server.</summary>
    public static bool IsRequested(IReadOnlyList<string> args) => args.Any(a => HelpSwitches.Contains(a, StringComparer.OrdinalIgnoreCase));

    public const string Text = """
        Usage: clipgrains serve [--urls URL[;URL...]] [--Section:Key=value ...]

        Runs an Orleans silo and the OpenAI-compatible HTTP gateway in one process. Every argument is a
        configuration setting (also read from appsettings.json and ClipGrains__Section__Key environment variables);
        nothing is started, written or downloaded when --help is given.

        Common settings:
          --urls http://127.0.0.1:8080                 where the HTTP gateway listens
          --ClipGrains:Model:Path=DIR                  a local model folder (hub layout); without it
                                                       Xenova/clip-vit-base-patch32 is downloaded on first start
          --ClipGrains:Models:Deployments:0:Id=NAME    several deployments, loaded on demand (see docs/cluster.md)
          --ClipGrains:DataDirectory=DIR               SQLite database and operator key (default ~/.local/share/clipgrains)
          --ClipGrains:Admin:ApiKey=KEY                the operator key (at least 20 characters); generated if absent
          --ClipGrains:Auth:Required=false             no API keys, no metering (a private, single-user server)
          --ClipGrains:Cluster:Provider=postgres       a multi-silo cluster on PostgreSQL (see docs/operations.md)

        Every setting, its default and its unit: docs/operations.md.
        """;
}
