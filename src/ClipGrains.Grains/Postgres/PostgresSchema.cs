using ClipGrains.Grains.Storage;
using Npgsql;

namespace ClipGrains.Grains.Postgres;

/// <summary>
/// Applies the versioned scripts of <c>infra/sql/postgres</c> (embedded in this assembly, named <c>NNNN_name.sql</c>)
/// in order, each in its own transaction, recording them in <c>clipgrains_schema_migrations</c>. A transaction-scoped
/// advisory lock serialises silos that start together, so each script runs exactly once per database.
/// </summary>
public static class PostgresSchema
{
    private const string ResourcePrefix = "ClipGrains.Sql.Postgres.";

    // Arbitrary but fixed: the advisory-lock key all ClipGrains processes agree on ("CLIPGRNS" in ASCII).
    private const long LockKey = 0x434C_4950_4752_4E53;

    /// <summary>The scripts this build knows, in the order they apply.</summary>
    public static IReadOnlyList<SchemaScript> Scripts { get; } = SchemaScript.Embedded(ResourcePrefix);

    /// <summary>The newest schema version this build needs.</summary>
    public static int CurrentVersion => Scripts[^1].Version;

    /// <summary>Applies every script not yet recorded; returns the versions applied now (empty when up to date).</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var applied = new List<int>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var script in Scripts)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
            await ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS clipgrains_schema_migrations (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);
            await using (var check = new NpgsqlCommand("SELECT 1 FROM clipgrains_schema_migrations WHERE version = @v", connection, transaction))
            {
                check.Parameters.AddWithValue("v", script.Version);
                if (await check.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    await transaction.CommitAsync(cancellationToken);
                    continue;
                }
            }

            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
            await using (var record = new NpgsqlCommand("INSERT INTO clipgrains_schema_migrations (version, name) VALUES (@v, @n)", connection, transaction))
            {
                record.Parameters.AddWithValue("v", script.Version);
                record.Parameters.AddWithValue("n", script.Name);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(script.Version);
        }

        return applied;
    }

    /// <summary>The highest applied version, or 0 for a database ClipGrains has never touched.</summary>
    public static async Task<int> AppliedVersionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("SELECT to_regclass('clipgrains_schema_migrations') IS NOT NULL");
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return 0;
        }

        await using var max = dataSource.CreateCommand("SELECT coalesce(max(version), 0) FROM clipgrains_schema_migrations");
        return (int)(await max.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Fails with an operator-facing message when the database lags this build (used when migrating at start is off).</summary>
    public static async Task EnsureCurrentAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        var applied = await AppliedVersionAsync(dataSource, cancellationToken);
        if (applied < CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL schema is at version {applied} but this build needs {CurrentVersion}. Run `clipgrains db migrate` " +
                "with a connection string allowed to create tables, or set ClipGrains:Cluster:Postgres:MigrateOnStart=true.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
