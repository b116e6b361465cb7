using Npgsql;

namespace ClipGrains.Grains.Postgres;

/// <summary>
/// The silo's one pooled <see cref="NpgsqlDataSource"/>, shared by the membership table and grain storage, and the
/// point where the schema is brought up to date before either is used.
/// </summary>
internal sealed class PostgresDatabase(PostgresOptions options) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
    private readonly SemaphoreSlim _ready = new(1, 1);
    private bool _isReady;

    /// <summary>
    /// Runs <paramref name="work"/>, turning a transient PostgreSQL failure (unreachable, restarting, out of connections)
    /// into <see cref="Abstractions.Errors.StorageUnavailableException"/>, which crosses silos where Npgsql's exception cannot.
    /// </summary>
    public static Task Guard(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Guard(async () =>
        {
            await work();
            return true;
        });
    }

    /// <summary>As <see cref="Guard(Func{Task})"/>, for work with a result.</summary>
    public static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work();
        }
        catch (NpgsqlException e) when (e.IsTransient)
        {
            var state = e is PostgresException p ? " " + p.SqlState : string.Empty;
            throw new Abstractions.Errors.StorageUnavailableException($"PostgreSQL is unavailable ({e.GetType().Name}{state}: {e.Message})");
        }
    }

    /// <summary>Opens a connection once the schema is known to be current (migrating it first when configured).</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (!_isReady)
        {
            await _ready.WaitAsync(cancellationToken);
            try
            {
                if (!_isReady)
                {
                    if (options.MigrateOnStart)
                    {
                        await PostgresSchema.MigrateAsync(_dataSource, cancellationToken);
                    }
                    else
                    {
                        await PostgresSchema.EnsureCurrentAsync(_dataSource, cancellationToken);
                    }

                    _isReady = true;
                }
            }
            finally
            {
                _ready.Release();
            }
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        _ready.Dispose();
    }
}
