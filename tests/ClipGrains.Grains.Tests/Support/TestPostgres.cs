using Npgsql;

namespace ClipGrains.Grains.Tests.Support;

/// <summary>
/// The PostgreSQL server the suite may use: <c>CLIPGRAINS_TEST_POSTGRES</c> holds a connection string to it
/// (.ci/postgres starts one on loopback and prints it). Each user gets a database of its own, dropped afterwards.
/// Without the variable the PostgreSQL tests are skipped with the reason, unless <c>CLIPGRAINS_REQUIRE_POSTGRES=1</c>
/// (set by .ci/run), which makes absence a failure so CI can never pass without the real database.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string ConnectionVariable = "CLIPGRAINS_TEST_POSTGRES";
    public const string RequireVariable = "CLIPGRAINS_REQUIRE_POSTGRES";

    private readonly string _server;

    private TestPostgres(string server, string database)
    {
        _server = server;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    }

    /// <summary>The fresh database's name.</summary>
    public string Database { get; }

    /// <summary>Connection string to the fresh database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates an empty database for the caller (skips or fails when no server is configured, see above).</summary>
    public static async Task<TestPostgres> CreateDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            var reason = $"no PostgreSQL server for tests ({ConnectionVariable} is not set; `.ci/postgres start` prints one)";
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                throw new InvalidOperationException(reason + $"; {RequireVariable}=1 makes this a failure.");
            }

            Skip.If(true, reason);
        }

        var name = "cg_test_" + Guid.NewGuid().ToString("N")[..16];
        await using var admin = new NpgsqlConnection(server);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
        await create.ExecuteNonQueryAsync();
        return new TestPostgres(server!, name);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
