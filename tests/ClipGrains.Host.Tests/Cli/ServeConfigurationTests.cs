using System.Net;
using System.Net.Sockets;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Host.Tests.Cli;

/// <summary><c>clipgrains serve</c> refuses configurations it cannot run safely: non-zero exit, one line naming the setting.</summary>
[Trait("Category", "api")]
public sealed class ServeConfigurationTests(SyntheticClipFixture fixture) : IClassFixture<SyntheticClipFixture>
{
    private static async Task<CliRun> ServeAsync(string[] args)
    {
        using var error = new StringWriter();
        var code = await ClipGrains.Host.Server.ServerApp.RunAsync(args, error);
        return new CliRun(code, string.Empty, error.ToString());
    }

    private static int FreePort()
    {
        using var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        return ((IPEndPoint)free.LocalEndpoint).Port;
    }

    private string[] Serve(params string[] settings) =>
    [
        "--urls=http://127.0.0.1:0", $"--ClipGrains:Model:Path={fixture.Files.Directory}",
        $"--ClipGrains:DataDirectory={Path.Combine(Path.GetTempPath(), "clipgrains-tests", "serve-" + Guid.NewGuid().ToString("N"))}",
        "--Logging:LogLevel:Default=None", .. settings,
    ];

    [Fact]
    public async Task A_silo_port_another_process_listens_on_is_refused_by_setting_name()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var run = await ServeAsync(Serve($"--ClipGrains:Cluster:SiloPort={port}", "--ClipGrains:Admin:ApiKey=cga_test-operator-key"));

        Assert.Equal(78, run.ExitCode);
        Assert.Equal($"error: ClipGrains:Cluster:SiloPort={port} is already in use on 127.0.0.1 (another clipgrains serve?); give each silo on a host its own port.", run.Error.Trim());
    }

    [Fact]
    public async Task A_weak_operator_key_is_refused_by_setting_name()
    {
        var port = FreePort();

        var run = await ServeAsync(Serve($"--ClipGrains:Cluster:SiloPort={port}", "--ClipGrains:Admin:ApiKey=a"));

        Assert.Equal(78, run.ExitCode);
        Assert.StartsWith("error: ClipGrains:Admin:ApiKey is 1 characters; use at least 20", run.Error.Trim(), StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("ClipGrains:Gateway:MaxTextsPerRequest=0", "ClipGrains:Gateway:MaxTextsPerRequest must be a positive number (got 0).")]
    [InlineData("ClipGrains:Gateway:Connections:MaxConnections=-1", "ClipGrains:Gateway:Connections:MaxConnections must be a positive number (got -1).")]
    [InlineData("ClipGrains:Batching:MaxQueueDelay=-00:00:01", "ClipGrains:Batching:MaxQueueDelay must not be negative (got -00:00:01).")]
    [InlineData("ClipGrains:Batching:ImageRequestWindow=0", "ClipGrains:Batching:ImageRequestWindow must be a positive number (got 0).")]
    [InlineData("ClipGrains:LabelSets:MaxLabels=0", "ClipGrains:LabelSets:MaxLabels must be a positive number (got 0).")]
    [InlineData("ClipGrains:Tenancy:ReadsPerMinute=0", "ClipGrains:Tenancy:ReadsPerMinute must be a positive number (got 0).")]
    [InlineData("ClipGrains:Pricing:CreditsPerImage=-5", "ClipGrains:Pricing:CreditsPerImage must not be negative (got -5).")]
    [InlineData("ClipGrains:Auth:FailedAttemptsPerMinute=0", "ClipGrains:Auth:FailedAttemptsPerMinute must be a positive number (got 0).")]
    [InlineData("ClipGrains:FanOut:MinChunkSize=0", "ClipGrains:FanOut:MinChunkSize must be a positive number (got 0).")]
    [InlineData("ClipGrains:ImageUrls:MaxRedirects=-1", "ClipGrains:ImageUrls:MaxRedirects must not be negative (got -1).")]
    [InlineData("ClipGrains:Cors:AllowedOrigins:0=https://app.example.com/path", "ClipGrains:Cors:AllowedOrigins must list origins such as https://app.example.com (scheme and host, no path) or *; got \"https://app.example.com/path\".")]
    [InlineData("ClipGrains:Model:Path=/nonexistent/clip", "ClipGrains:Model:Path names a folder that does not exist (/nonexistent/clip).")]
    [InlineData("ClipGrains:Model:LogitScale=0", "ClipGrains:Model:LogitScale must be positive (got 0).")]
    [InlineData("ClipGrains:Gateway:RequestTimeout=soon", "Failed to convert configuration value 'soon' at 'ClipGrains:Gateway:RequestTimeout' to type 'System.TimeSpan'.")]
    [InlineData("ClipGrains:Models:Deployments:0:Id=a|ClipGrains:Models:Deployments:0:Path=/nonexistent/a", "ClipGrains:Models:Deployments:0:Path names a folder that does not exist (/nonexistent/a).")]
    [InlineData("ClipGrains:Models:Deployments:0:Id=a", "ClipGrains:Models:Deployments:0:Path or Source is required (a local model folder or a hub repository id).")]
    [InlineData("ClipGrains:Models:Deployments:0:Source=org/a", "ClipGrains:Models:Deployments:0:Id is required (the name clients send as model).")]
    [InlineData("ClipGrains:Models:Default=nope", "ClipGrains:Models:Default names \"nope\", which is not a listed deployment (clip-vit-base-patch32).")]
    public async Task Each_invalid_setting_stops_the_server_with_one_line_naming_its_key(string setting, string expected)
    {
        var port = FreePort();

        var run = await ServeAsync(Serve([$"--ClipGrains:Cluster:SiloPort={port}", "--ClipGrains:Admin:ApiKey=cga_test-operator-key", .. setting.Split('|').Select(s => $"--{s}")]));

        Assert.Equal(78, run.ExitCode);
        Assert.Equal("error: " + expected, run.Error.Trim());
    }

    [Fact]
    public async Task Several_invalid_sections_are_named_together_on_one_line()
    {
        var port = FreePort();

        var run = await ServeAsync(Serve(
            $"--ClipGrains:Cluster:SiloPort={port}", "--ClipGrains:Admin:ApiKey=cga_test-operator-key", "--ClipGrains:Tenancy:ReadsPerMinute=0", "--ClipGrains:FanOut:MinChunkSize=0"));

        Assert.Equal(78, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Contains("ClipGrains:Tenancy:ReadsPerMinute must be a positive number (got 0).", run.Error, StringComparison.Ordinal);
        Assert.Contains("ClipGrains:FanOut:MinChunkSize must be a positive number (got 0).", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_deployments_with_one_name_are_refused_by_key()
    {
        var port = FreePort();

        var run = await ServeAsync(Serve(
            $"--ClipGrains:Cluster:SiloPort={port}", "--ClipGrains:Admin:ApiKey=cga_test-operator-key",
            "--ClipGrains:Models:Deployments:0:Id=a", $"--ClipGrains:Models:Deployments:0:Path={fixture.Files.Directory}",
            "--ClipGrains:Models:Deployments:1:Id=b", "--ClipGrains:Models:Deployments:1:Aliases:0=a", $"--ClipGrains:Models:Deployments:1:Path={fixture.Files.Directory}"));

        Assert.Equal(78, run.ExitCode);
        Assert.Equal("error: ClipGrains:Models:Deployments:1:Id repeats the model name \"a\"; each id and alias must name one deployment.", run.Error.Trim());
    }
}
