using ClipGrains.Grains.Postgres;
using ClipGrains.Grains.Tests.Support;
using Npgsql;

namespace ClipGrains.Grains.Tests.Postgres;

[Trait("Category", "postgres")]
public sealed class PostgresSchemaTests
{
    [Fact]
    public void Scripts_come_from_infra_sql_in_version_order()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), "infra", "sql", "postgres"), "*.sql").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(files, PostgresSchema.Scripts.Select(s => s.Name).ToArray());
        Assert.Equal(1, PostgresSchema.Scripts[0].Version);
        Assert.Equal(PostgresSchema.Scripts.Count, PostgresSchema.CurrentVersion);
    }

    [SkippableFact]
    public async Task Migrating_twice_applies_each_script_once()
    {
        await using var postgres = await TestPostgres.CreateDatabaseAsync();
        await using var source = NpgsqlDataSource.Create(postgres.ConnectionString);

        var first = await PostgresSchema.MigrateAsync(source);
        var second = await PostgresSchema.MigrateAsync(source);

        Assert.Equal(PostgresSchema.Scripts.Select(s => s.Version), first);
        Assert.Empty(second);
        Assert.Equal(PostgresSchema.CurrentVersion, await PostgresSchema.AppliedVersionAsync(source));
        Assert.Equal(5, await postgres.ScalarAsync("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('clipgrains_membership_version', 'clipgrains_membership', 'clipgrains_grain_state', 'clipgrains_usage', 'clipgrains_collection_items')"));
    }

    [SkippableFact]
    public async Task A_usage_log_from_version_2_is_summed_into_the_daily_roll_ups_and_later_batches_are_added_once()
    {
        await using var postgres = await TestPostgres.CreateDatabaseAsync();
        await using var source = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using (var v2 = source.CreateCommand(PostgresSchema.Scripts[0].Sql + ";" + PostgresSchema.Scripts[1].Sql + """
            ;CREATE TABLE clipgrains_schema_migrations (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO clipgrains_schema_migrations (version, name) VALUES (1, '0001_initial'), (2, '0002_usage_log');
            INSERT INTO clipgrains_usage (service_id, usage_id, tenant_id, key_id, model, route, images, texts, credits, at, refused, decode_ms, stored_bytes) VALUES
                ('s', 'a', 'tn', 'k', 'm', 'r', 2, 0, 20, '2025-11-29T00:00:00Z', false, 0, 0),
                ('s', 'b', 'tn', 'k', 'm', 'r', 1, 0, 10, '2025-11-29T12:00:00Z', false, 0, 7),
                ('s', 'c', 'tn', 'k', 'm', 'r', 0, 0, 0, '2025-11-29T12:00:00Z', true, 33, 0);
            """))
        {
            await v2.ExecuteNonQueryAsync();
        }

        Assert.Equal([3, 4], await PostgresSchema.MigrateAsync(source));
        await using (var later = source.CreateCommand("""
            INSERT INTO clipgrains_usage (service_id, usage_id, tenant_id, key_id, model, route, images, texts, credits, at) VALUES
                ('s', 'd', 'tn', 'k', 'm', 'r', 0, 4, 4, '2025-11-30T00:00:00Z'), ('s', 'a', 'tn', 'k', 'm', 'r', 2, 0, 20, '2025-11-29T00:00:00Z')
            ON CONFLICT DO NOTHING
            """))
        {
            await later.ExecuteNonQueryAsync();
        }

        await using var read = source.CreateCommand(
            "SELECT concat_ws(' ', to_char(day, 'YYYY-MM-DD'), requests, images, texts, credits, refused, refused_decode_ms, stored_responses, stored_bytes) FROM clipgrains_usage_daily ORDER BY day");
        var rows = new List<string>();
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        // 2025-11-29: a and b charged, c refused; 2025-11-30: d (a written again adds nothing).
        Assert.Equal(["2025-11-29 2 3 0 30 1 33 1 7", "2025-11-30 1 0 4 4 0 0 0 0"], rows);
    }

    [SkippableFact]
    public async Task Silos_starting_together_apply_the_schema_exactly_once()
    {
        await using var postgres = await TestPostgres.CreateDatabaseAsync();
        await using var source = NpgsqlDataSource.Create(postgres.ConnectionString);

        var applied = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PostgresSchema.MigrateAsync(source))));

        Assert.Equal(PostgresSchema.Scripts.Count, applied.Sum(a => a.Count));
        Assert.Equal(PostgresSchema.Scripts.Count, await postgres.ScalarAsync("SELECT count(*) FROM clipgrains_schema_migrations"));
    }

    [SkippableFact]
    public async Task A_database_behind_this_build_is_refused_with_the_command_that_fixes_it()
    {
        await using var postgres = await TestPostgres.CreateDatabaseAsync();
        await using var source = NpgsqlDataSource.Create(postgres.ConnectionString);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresSchema.EnsureCurrentAsync(source));

        Assert.Contains("schema is at version 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("clipgrains db migrate", error.Message, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClipGrains.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ClipGrains.sln not found above the test output.");
    }
}
