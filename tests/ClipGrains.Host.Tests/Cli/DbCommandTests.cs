using ClipGrains.Grains.Postgres;
using ClipGrains.Grains.Tests.Support;

namespace ClipGrains.Host.Tests.Cli;

public sealed class DbCommandTests
{
    [SkippableFact]
    public async Task Status_then_migrate_then_migrate_again()
    {
        await using var postgres = await TestPostgres.CreateDatabaseAsync();

        var before = await CliRun.InvokeAsync("db", "status", "--connection-string", postgres.ConnectionString);
        var first = (await CliRun.InvokeAsync("db", "migrate", "--connection-string", postgres.ConnectionString)).Json();
        var second = (await CliRun.InvokeAsync("db", "migrate", "--connection-string", postgres.ConnectionString)).Json();

        Assert.Equal(1, before.ExitCode);
        Assert.Equal($"{{\"applied\":[],\"version\":0,\"latest\":{PostgresSchema.CurrentVersion}}}", before.Out.Trim());
        Assert.Equal(PostgresSchema.Scripts.Select(s => s.Version), first.GetProperty("applied").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(PostgresSchema.CurrentVersion, first.GetProperty("version").GetInt32());
        Assert.Equal(0, second.GetProperty("applied").GetArrayLength());
    }

    [Fact]
    public async Task Without_a_connection_string_it_is_a_usage_error()
    {
        var run = await CliRun.InvokeAsync("db", "migrate");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--connection-string", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_one_line_and_exit_1()
    {
        var run = await CliRun.InvokeAsync("db", "status", "--connection-string", "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: PostgreSQL refused:", run.Error, StringComparison.Ordinal);
    }
}
