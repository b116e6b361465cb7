using System.CommandLine;
using ClipGrains.Grains.Postgres;
using Npgsql;

namespace ClipGrains.Host.Cli;

/// <summary>
/// <c>clipgrains db migrate|status --connection-string …</c>: applies or reports the PostgreSQL schema of
/// <c>infra/sql/postgres</c>. Prints <c>{"applied":[…],"version":N,"latest":N}</c>.
/// </summary>
internal static class DbCommand
{
    public static Command Create(CliContext context)
    {
        var migrate = new Command("migrate", "Apply every schema script the database has not seen (idempotent, safe while silos run)");
        var status = new Command("status", "Print the schema version the database is at and the one this build needs");
        foreach (var sub in new[] { migrate, status })
        {
            var connection = new Option<string?>("--connection-string")
            {
                Description = "Npgsql connection string; default: ClipGrains__Cluster__Postgres__ConnectionString from the environment",
            };
            sub.Options.Add(connection);
            var apply = sub == migrate;
            sub.SetAction(async (parse, cancellationToken) =>
            {
                var connectionString = parse.GetValue(connection) ?? Environment.GetEnvironmentVariable("ClipGrains__Cluster__Postgres__ConnectionString");
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new CliUsageException("give --connection-string or set ClipGrains__Cluster__Postgres__ConnectionString.");
                }

                try
                {
                    await using var source = NpgsqlDataSource.Create(connectionString);
                    var applied = apply ? await PostgresSchema.MigrateAsync(source, cancellationToken) : [];
                    var version = await PostgresSchema.AppliedVersionAsync(source, cancellationToken);
                    await JsonOutput.WriteAsync(context.Out, new { applied, version, latest = PostgresSchema.CurrentVersion });
                    return version == PostgresSchema.CurrentVersion ? CliExitCode.Success : CliExitCode.BadInput;
                }
                catch (NpgsqlException e)
                {
                    // Connection and permission problems are the operator's to fix; say which one it was.
                    throw new IOException($"PostgreSQL refused: {e.Message}", e);
                }
            });
        }

        return new Command("db", "Manage the PostgreSQL schema used when ClipGrains:Cluster:Provider=postgres") { migrate, status };
    }
}
