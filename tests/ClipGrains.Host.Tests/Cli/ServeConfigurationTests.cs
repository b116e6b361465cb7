using System.Net;
using System.Net.Sockets;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Host.Tests.Cli;

/// <summary><c>clipgrains serve</c> refuses configurations it cannot run safely: non-zero exit, one line naming the setting.</summary>
public sealed class ServeConfigurationTests(SyntheticClipFixture fixture) : IClassFixture<SyntheticClipFixture>
{
    private static async Task<CliRun> ServeAsync(string[] args)
    {
        using var error = new StringWriter();
        var code = await ClipGrains.Host.Server.ServerApp.RunAsync(args, error);
        return new CliRun(code, string.Empty, error.ToString());
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
        using var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        var port = ((IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();

        var run = await ServeAsync(Serve($"--ClipGrains:Cluster:SiloPort={port}", "--ClipGrains:Admin:ApiKey=a"));

        Assert.Equal(78, run.ExitCode);
        Assert.StartsWith("error: ClipGrains:Admin:ApiKey is 1 characters; use at least 20", run.Error.Trim(), StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }
}
