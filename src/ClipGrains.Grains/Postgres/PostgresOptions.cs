namespace ClipGrains.Grains.Postgres;

/// <summary>How a silo reaches the PostgreSQL database that holds cluster membership and grain state.</summary>
public sealed class PostgresOptions
{
    /// <summary>Npgsql connection string, for example <c>Host=db;Username=clipgrains;Password=…;Database=clipgrains</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Apply the schema in <c>infra/sql/postgres</c> when the silo starts (idempotent, serialised across silos by an
    /// advisory lock). Turn off where the application's database user may not run DDL, and run
    /// <c>clipgrains db migrate</c> with an owner's connection string instead.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;
}
