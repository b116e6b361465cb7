using Microsoft.Data.Sqlite;

namespace ClipGrains.Grains.Storage;

/// <summary>
/// Applies the versioned scripts of <c>infra/sql/sqlite</c> (embedded, named <c>NNNN_name.sql</c>) in order, each in
/// its own <c>BEGIN IMMEDIATE</c> transaction that also records the version in <c>PRAGMA user_version</c>: processes
/// sharing the file serialise on the write lock and re-read the version inside it, so each script runs once per file.
/// </summary>
public static class SqliteSchema
{
    /// <summary>The scripts this build knows, in the order they apply.</summary>
    public static IReadOnlyList<SchemaScript> Scripts { get; } = SchemaScript.Embedded("ClipGrains.Sql.Sqlite.");

    /// <summary>The newest schema version this build needs.</summary>
    public static int CurrentVersion => Scripts[^1].Version;

    /// <summary>Applies every script newer than the file's version; returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var applied = new List<int>();
        foreach (var script in Scripts)
        {
            if (await VersionAsync(connection, cancellationToken) >= script.Version)
            {
                continue;
            }

            await ExecuteAsync(connection, "BEGIN IMMEDIATE", cancellationToken);
            try
            {
                if (await VersionAsync(connection, cancellationToken) < script.Version)
                {
                    await ExecuteAsync(connection, script.Sql, cancellationToken);
                    await ExecuteAsync(connection, $"PRAGMA user_version = {script.Version}", cancellationToken);
                    applied.Add(script.Version);
                }

                await ExecuteAsync(connection, "COMMIT", cancellationToken);
            }
            catch
            {
                await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None);
                throw;
            }
        }

        return applied;
    }

    /// <summary>The file's schema version (0 for a file ClipGrains never touched).</summary>
    public static async Task<int> VersionAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
