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
        Assert.Equal(4, await postgres.ScalarAsync("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('clipgrains_membership_version', 'clipgrains_membership', 'clipgrains_grain_state', 'clipgrains_usage')"));
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
