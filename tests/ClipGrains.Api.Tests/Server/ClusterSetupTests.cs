using ClipGrains.Host.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClipGrains.Api.Tests.Server;

[Trait("Category", "api")]
public sealed class ClusterSetupTests
{
    [Fact]
    public void Defaults_are_one_machine_on_sqlite()
    {
        var options = ClusterSetup.Read(Configuration());

        Assert.False(options.IsPostgres);
        Assert.Equal((11111, 0, "clipgrains", "clipgrains"), (options.SiloPort, options.GatewayPort, options.ClusterId, options.ServiceId));
    }

    [Fact]
    public void Postgres_settings_bind_from_configuration_keys()
    {
        var options = ClusterSetup.Read(Configuration(
            ("ClipGrains:Cluster:Provider", "Postgres"),
            ("ClipGrains:Cluster:Postgres:ConnectionString", "Host=db"),
            ("ClipGrains:Cluster:Postgres:MigrateOnStart", "false"),
            ("ClipGrains:Cluster:Kubernetes", "true"),
            ("ClipGrains:Admin:ApiKey", "cga_x")));

        Assert.True(options.IsPostgres);
        Assert.Equal("Host=db", options.Postgres.ConnectionString);
        Assert.False(options.Postgres.MigrateOnStart);
        Assert.True(options.Kubernetes);
    }

    [Fact]
    public void An_unknown_provider_is_refused_by_name()
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterSetup.Read(Configuration(("ClipGrains:Cluster:Provider", "redis"))));

        Assert.Equal("ClipGrains:Cluster:Provider must be 'localhost' or 'postgres', not 'redis'.", error.Message);
    }

    [Fact]
    public void A_postgres_cluster_needs_one_operator_key_for_every_silo()
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterSetup.Read(Configuration(
            ("ClipGrains:Cluster:Provider", "postgres"), ("ClipGrains:Cluster:Postgres:ConnectionString", "Host=db"))));

        Assert.Contains("set ClipGrains:Admin:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_serving_cluster_detects_a_dead_silo_in_seconds_and_configuration_still_wins()
    {
        static Orleans.Configuration.ClusterMembershipOptions Membership(IConfiguration configuration)
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            builder.UseOrleans(silo => ClusterSetup.Configure(silo, ClusterSetup.Read(configuration), configuration, Path.GetTempPath()));
            using var host = builder.Build();
            return host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClusterMembershipOptions>>().Value;
        }

        var defaults = Membership(Configuration());
        var configured = Membership(Configuration(("ClipGrains:Cluster:Membership:ProbeTimeout", "00:00:04")));

        Assert.Equal((TimeSpan.FromSeconds(1), 3, true), (defaults.ProbeTimeout, defaults.NumMissedProbesLimit, defaults.ExtendProbeTimeoutDuringDegradation));
        Assert.Equal(TimeSpan.FromSeconds(4), configured.ProbeTimeout);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
