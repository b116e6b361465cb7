using ClipGrains.Abstractions.Cluster;
using ClipGrains.Abstractions.Collections;
using ClipGrains.Grains.Collections;
using ClipGrains.Abstractions.Configuration;
using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Cluster;
using ClipGrains.Grains.LabelSets;
using ClipGrains.Grains.Placement;
using ClipGrains.Grains.Postgres;
using ClipGrains.Grains.Serving;
using ClipGrains.Grains.Storage;
using ClipGrains.Grains.Tenancy;
using ClipGrains.Grains.Tenancy.Leases;
using ClipGrains.Grains.Usage;
using ClipGrains.Inference.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;

namespace ClipGrains.Grains;

/// <summary>Registers ClipGrains' grains and per-silo services on an Orleans silo.</summary>
public static class ClipGrainsSiloExtensions
{
    /// <summary>
    /// Adds the models (<c>ClipGrains:Models</c>, or the single <c>ClipGrains:Model</c>), batching, fan-out, the label-set
    /// matrix cache and the silo-targeted placement. Storage is configured separately under <see cref="ClipGrainsStorage.Name"/>.
    /// </summary>
    public static ISiloBuilder AddClipGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = silo.Services;
        services.AddSettings<ClipModelOptions>(configuration, "ClipGrains:Model", CheckModel);
        services.AddSettings<BatchingOptions>(configuration, "ClipGrains:Batching", (o, c) => o.Check(c));
        services.AddSettings<FanOutOptions>(configuration, "ClipGrains:FanOut", (o, c) => o.Check(c));
        services.AddSettings<LabelSetBuildOptions>(configuration, "ClipGrains:LabelSets", (o, c) => o.Check(c));
        services.AddSettings<TenancyOptions>(configuration, "ClipGrains:Tenancy", (o, c) => o.Check(c));
        services.AddSettings<UsageLogOptions>(configuration, "ClipGrains:UsageLog", (o, c) => o.Check(c));
        services.AddSettings<LeaseOptions>(configuration, "ClipGrains:Leases", (o, c) => o.Check(c));
        services.AddSettings<CollectionOptions>(configuration, "ClipGrains:Collections", (o, c) => o.Check(c));

        // Collections' items live beside grain state too (the storage below registers its own); memory when state is in memory.
        services.TryAddSingleton<ICollectionStore, MemoryCollectionStore>();
        services.AddSingleton<NativeSearchSlots>();
        services.AddSingleton<ShardSnapshots>();
        services.AddSingleton<ShardGauges>();

        // The usage log's table lives beside grain state (registered by the storage below); memory when state is in memory.
        services.TryAddSingleton<IUsageStore, MemoryUsageStore>();
        services.AddSingleton<UsageLogWriter>();
        services.AddSingleton<IUsageLog>(sp => sp.GetRequiredService<UsageLogWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<UsageLogWriter>());

        // Tenancy's silo half: the meter with this silo's leases and remembered refusals, and the key checks.
        services.AddOptions<TenantMeterOptions>();
        services.AddSingleton<SiloLeases>();
        services.AddHostedService<LeaseKeeper>();
        services.AddSingleton<RecentRefusals>();
        services.AddSingleton<AdmissionProbe>();
        services.AddSingleton<ITenantMeter, TenantMeter>();
        services.AddSingleton<UnknownKeyIds>();
        services.AddSingleton<KeyVerdicts>();
        services.AddSingleton<IKeyVerdictCache>(sp => sp.GetRequiredService<KeyVerdicts>());
        services.AddSingleton<IKeyAuthenticator, SiloKeyAuthenticator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ClipGrainsTelemetry>();
        services.AddSettings<ModelsOptions>(configuration, "ClipGrains:Models", (o, c) => o.Check(c));
        services.AddSingleton<IPostConfigureOptions<ModelsOptions>, SingleModelDeployment>();
        services.TryAddSingleton<ModelLoader>();
        services.AddSingleton<DecodeAdmission>();
        services.AddSingleton<GraphPreparer>();
        services.AddHostedService(sp => sp.GetRequiredService<GraphPreparer>());
        services.AddSingleton<SiloModels>();
        services.AddHostedService<ModelLoaderService>();

        services.AddSingleton<LabelMatrixCache>();
        services.AddSingleton<ILabelMatrices>(sp => sp.GetRequiredService<LabelMatrixCache>());
        services.AddSingleton<ClusterView>();
        services.AddSingleton<IModelDirectory>(sp => sp.GetRequiredService<ClusterView>());
        services.AddSingleton<ModelRouter>();
        services.AddSingleton<ClusterEncoder>();
        services.AddSingleton<IClusterEncoder>(sp => sp.GetRequiredService<ClusterEncoder>());
        services.AddSingleton<ISiloHealth, SiloHealth>();
        silo.AddPlacementDirector<SiloTargetedPlacement, SiloTargetedPlacementDirector>();
        return silo;
    }

    // The model's settings live in the inference library, which knows nothing of hosting; checked here.
    private static SettingChecks CheckModel(ClipModelOptions options, SettingChecks checks) => checks
        .That(options.Path is null || Directory.Exists(options.Path), nameof(options.Path), $"names a folder that does not exist ({options.Path})")
        .That(options.LogitScale > 0, nameof(options.LogitScale), $"must be positive (got {options.LogitScale})")
        .NotNegative(nameof(options.IntraOpThreads), options.IntraOpThreads)
        .NotNegative(nameof(options.InterOpThreads), options.InterOpThreads);

    /// <summary>Stores grain state and the usage log in a SQLite file (the single-machine default).</summary>
    public static ISiloBuilder AddClipGrainsSqliteStorage(this ISiloBuilder silo, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.Configure<SqliteGrainStorageOptions>(o => o.DatabasePath = databasePath);
        silo.Services.AddSingleton<SqliteDatabase>();
        silo.Services.AddSingleton<IUsageStore, SqliteUsageStore>();
        silo.Services.AddSingleton<ICollectionStore, SqliteCollectionStore>();
        silo.Services.AddGrainStorage(ClipGrainsStorage.Name, (sp, _) => ActivatorUtilities.CreateInstance<SqliteGrainStorage>(sp));
        AddIdempotencySweeper(silo.Services);
        return silo;
    }

    /// <summary>
    /// Keeps cluster membership and grain state in PostgreSQL (multi-silo clusters): one pooled data source per
    /// silo, the project's own schema applied from <c>infra/sql/postgres</c>.
    /// </summary>
    public static ISiloBuilder UseClipGrainsPostgres(this ISiloBuilder silo, PostgresOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException("ClipGrains:Cluster:Provider is postgres but ClipGrains:Cluster:Postgres:ConnectionString is empty.");
        }

        // A factory registration, so the container disposes the data source (and its pooled connections) on stop.
        silo.Services.AddSingleton(_ => new PostgresDatabase(options));
        silo.Services.AddSingleton<IMembershipTable, PostgresMembershipTable>();
        silo.Services.AddSingleton<IUsageStore, PostgresUsageStore>();
        silo.Services.AddSingleton<ICollectionStore, PostgresCollectionStore>();
        silo.Services.AddGrainStorage(ClipGrainsStorage.Name, (sp, _) => ActivatorUtilities.CreateInstance<PostgresGrainStorage>(sp));
        AddIdempotencySweeper(silo.Services);
        return silo;
    }

    // The store that holds idempotency records also deletes them once they expire.
    private static void AddIdempotencySweeper(IServiceCollection services)
    {
        services.AddSingleton(sp => (IStateExpiry)sp.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(ClipGrainsStorage.Name));
        services.AddHostedService<IdempotencyRecordSweeper>();
    }
}
