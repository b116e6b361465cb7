using System.Net;
using System.Net.Sockets;
using ClipGrains.Abstractions.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;

namespace ClipGrains.Grains.Tests.Storage;

/// <summary>Which database failures are an outage (503 with Retry-After), including after they cross a silo boundary.</summary>
public sealed class StorageFailuresTests
{
    private static async Task<NpgsqlException> RefusedConnectionAsync()
    {
        using var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        var port = ((IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=x;Password=x;Timeout=2;Pooling=false");
        return await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());
    }

    [Fact]
    public async Task A_refused_postgres_connection_is_unavailable_and_grain_storage_throws_it_in_a_form_that_crosses_silos()
    {
        var refused = await RefusedConnectionAsync();
        var guarded = await Assert.ThrowsAsync<StorageUnavailableException>(() => ClipGrains.Grains.Postgres.PostgresDatabase.Guard(() => throw refused));
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        var crossed = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(new Orleans.Runtime.OrleansException("grain call failed", guarded)))!;

        Assert.True(StorageFailures.IsUnavailable(refused));
        Assert.IsType<StorageUnavailableException>(crossed.InnerException);
        Assert.True(StorageFailures.IsUnavailable(crossed));
        Assert.StartsWith("PostgreSQL is unavailable (NpgsqlException: ", guarded.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("53300", true)] // too many connections
    [InlineData("57P03", true)] // cannot connect now (starting up, failing over)
    [InlineData("23505", false)] // unique violation: our bug
    [InlineData("42P01", false)] // undefined table: our bug
    public void Postgres_errors_are_an_outage_only_when_postgres_says_they_are_transient(string sqlState, bool unavailable) =>
        Assert.Equal(unavailable, StorageFailures.IsUnavailable(new PostgresException("message", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void A_sqlite_constraint_failure_is_a_bug_not_an_outage() =>
        Assert.False(StorageFailures.IsUnavailable(new SqliteException("message", 19)));

    [Fact]
    public void Other_failures_are_not() =>
        Assert.False(StorageFailures.IsUnavailable(new InvalidOperationException("bug", new ArgumentException("bad"))));
}
