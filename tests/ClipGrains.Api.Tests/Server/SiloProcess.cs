using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace ClipGrains.Api.Tests.Server;

/// <summary>
/// A real <c>clipgrains serve</c> process (the built clipgrains.dll beside the tests) joined to a PostgreSQL cluster,
/// on loopback ports of its own. Its output is kept for the failure message; it is killed when disposed.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, int httpPort, int siloPort)
    {
        _process = process;
        HttpPort = httpPort;
        SiloPort = siloPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        Admin = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RunningServer.AdminKey);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int HttpPort { get; }

    public int SiloPort { get; }

    /// <summary>Anonymous client; callers add the tenant key per request.</summary>
    public HttpClient Http { get; }

    /// <summary>Sends the operator key.</summary>
    public HttpClient Admin { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a silo; reuse <paramref name="httpPort"/> and <paramref name="siloPort"/> to restart one in place.</summary>
    public static SiloProcess Start(string modelPath, string connectionString, int? httpPort = null, int? siloPort = null, params string[] settings)
    {
        var http = httpPort ?? FreePort();
        var silo = siloPort ?? FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "clipgrains.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[
            dll, "serve",
            $"--urls=http://127.0.0.1:{http}",
            $"--ClipGrains:Model:Path={modelPath}",
            "--ClipGrains:Model:IntraOpThreads=1",
            $"--ClipGrains:DataDirectory={Path.Combine(Path.GetTempPath(), "clipgrains-tests", "silo-" + Guid.NewGuid().ToString("N"))}",
            "--ClipGrains:Cluster:Provider=postgres",
            $"--ClipGrains:Cluster:Postgres:ConnectionString={connectionString}",
            $"--ClipGrains:Cluster:SiloPort={silo}",
            "--ClipGrains:Cluster:AdvertisedIp=127.0.0.1",
            $"--ClipGrains:Admin:ApiKey={RunningServer.AdminKey}",
            "--Logging:LogLevel:Default=Information",
            "--Logging:LogLevel:Orleans=Warning",
            .. settings])
        {
            info.ArgumentList.Add(arg);
        }

        return new SiloProcess(Process.Start(info)!, http, silo);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (model loaded, silo active) or the process dies.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"silo on :{HttpPort} exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/health/ready", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"silo on :{HttpPort} not ready after {timeout}:\n{Output}");
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>kill -9: no drain, no goodbye to the cluster.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as an orchestrator stops a container: the graceful path.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Http.Dispose();
        Admin.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
