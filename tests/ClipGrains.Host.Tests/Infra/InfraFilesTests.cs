using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClipGrains.Gateway;
using ClipGrains.Abstractions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using YamlDotNet.RepresentationModel;

namespace ClipGrains.Host.Tests.Infra;

/// <summary>
/// Docker cannot run here, so the deployment files are checked by parsing them and holding them to the code:
/// every setting they pass exists and converts, ports and paths agree across files, the dashboard only queries
/// metrics the server exports.
/// </summary>
public sealed partial class InfraFilesTests
{
    private static readonly HashSet<string> PlatformVariables =
    [
        "ASPNETCORE_HTTP_PORTS", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME",
        "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_CLUSTER_ID", "ORLEANS_SERVICE_ID",
    ];

    [Fact]
    public void Compose_runs_three_silos_behind_a_load_balancer_with_postgres_and_observability()
    {
        var compose = InfraFiles.Yaml("compose.yaml").Single();
        var services = compose.At("services").Entries().Select(e => e.Key).ToArray();

        Assert.Equal(["postgres", "migrate", "silo1", "silo2", "silo3", "lb", "otel-collector", "prometheus", "grafana"], services);
        foreach (var silo in new[] { "silo1", "silo2", "silo3" })
        {
            Assert.Equal("postgres", compose.Scalar("services", silo, "environment", "ClipGrains__Cluster__Provider"));
        }

        Assert.Equal("[dotnet, clipgrains.dll, db, migrate]", Flow(compose.At("services", "migrate", "entrypoint")));
        Assert.Equal("service_completed_successfully", compose.Scalar("services", "silo1", "depends_on", "migrate", "condition"));
    }

    [Fact]
    public void Every_setting_passed_to_a_silo_is_a_real_configuration_key_with_a_valid_value()
    {
        var settings = new List<(string File, string Name, string Value)>();
        var compose = InfraFiles.Yaml("compose.yaml").Single();
        foreach (var service in new[] { "silo1", "migrate" })
        {
            settings.AddRange(compose.At("services", service, "environment").Entries().Select(e => ("compose.yaml", e.Key, Value(e.Value))));
        }

        settings.AddRange(InfraFiles.Yaml("k8s/configmap.yaml").Single().At("data").Entries().Select(e => ("k8s/configmap.yaml", e.Key, Value(e.Value))));
        settings.AddRange(InfraFiles.Yaml("k8s/secret.example.yaml").Single().At("stringData").Entries().Select(e => ("k8s/secret.example.yaml", e.Key, Value(e.Value))));
        foreach (YamlMappingNode env in (YamlSequenceNode)SiloContainer().At("env"))
        {
            settings.Add(("k8s/deployment.yaml", env.Scalar("name"), env.Children.ContainsKey(new YamlScalarNode("value")) ? env.Scalar("value") : ""));
        }

        settings.AddRange(DockerfileEnvironment().Select(e => ("docker/Dockerfile", e.Key, e.Value)));

        var problems = settings
            .Where(s => !PlatformVariables.Contains(s.Name))
            .Select(s => s.Name.StartsWith("ClipGrains__", StringComparison.Ordinal) ? ConfigurationKeys.Problem(s.Name, s.Value) : $"{s.Name}: not a ClipGrains setting")
            .Where(p => p is not null)
            .ToArray();

        Assert.Empty(problems);
        Assert.True(settings.Count >= 30, $"only {settings.Count} settings found: the files were not read as expected");
    }

    [Fact]
    public void Ports_agree_across_the_dockerfile_load_balancer_prometheus_and_kubernetes()
    {
        var environment = DockerfileEnvironment();
        var httpPort = environment["ASPNETCORE_HTTP_PORTS"];
        var exposed = DockerfileInstruction("EXPOSE").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var siloPort = InfraFiles.Yaml("compose.yaml").Single().Scalar("services", "silo1", "environment", "ClipGrains__Cluster__SiloPort");

        Assert.Equal([httpPort, siloPort], exposed);
        Assert.Equal(["silo1", "silo2", "silo3"], NginxUpstreams().Select(u => u.Split(':')[0]));
        Assert.All(NginxUpstreams(), u => Assert.EndsWith(":" + httpPort, u, StringComparison.Ordinal));
        var scrape = InfraFiles.Yaml("prometheus/prometheus.yml").Single().At("scrape_configs")[0];
        Assert.Equal("/metrics", scrape.Scalar("metrics_path"));
        Assert.Equal(["silo1:" + httpPort, "silo2:" + httpPort, "silo3:" + httpPort], ((YamlSequenceNode)scrape.At("static_configs")[0].At("targets")).Select(t => ((YamlScalarNode)t).Value));
        var ports = ((YamlSequenceNode)SiloContainer().At("ports")).Cast<YamlMappingNode>().ToDictionary(p => p.Scalar("name"), p => p.Scalar("containerPort"));
        Assert.Equal(httpPort, ports["http"]);
        Assert.Equal(InfraFiles.Yaml("k8s/configmap.yaml").Single().Scalar("data", "ClipGrains__Cluster__SiloPort"), ports["silo"]);
        var collector = InfraFiles.Yaml("otel/collector.yaml").Single().Scalar("receivers", "otlp", "protocols", "grpc", "endpoint");
        Assert.EndsWith(":" + new Uri(InfraFiles.Yaml("compose.yaml").Single().Scalar("services", "silo1", "environment", "OTEL_EXPORTER_OTLP_ENDPOINT")).Port, collector, StringComparison.Ordinal);
    }

    [Fact]
    public void Nginx_accepts_the_largest_body_the_gateway_accepts()
    {
        var limit = Regex.Match(InfraFiles.Text("nginx/nginx.conf"), @"client_max_body_size\s+(\d+)m;").Groups[1].Value;

        Assert.Equal(new GatewayOptions().MaxImageRequestBytes, long.Parse(limit, System.Globalization.CultureInfo.InvariantCulture) * 1024 * 1024);
    }

    [Fact]
    public void Kubernetes_probes_labels_and_grace_period_match_the_server()
    {
        var deployment = InfraFiles.Yaml("k8s/deployment.yaml").Single();
        var container = SiloContainer();
        var env = ((YamlSequenceNode)container.At("env")).Cast<YamlMappingNode>().Where(e => e.Children.ContainsKey(new YamlScalarNode("value"))).ToDictionary(e => e.Scalar("name"), e => e.Scalar("value"));
        var labels = deployment.At("spec", "template", "metadata", "labels");

        Assert.Equal("/health/ready", container.Scalar("readinessProbe", "httpGet", "path"));
        Assert.Equal("/health/live", container.Scalar("livenessProbe", "httpGet", "path"));
        Assert.Equal("/health/live", container.Scalar("startupProbe", "httpGet", "path"));
        Assert.Equal(env["ORLEANS_SERVICE_ID"], labels.Scalar("orleans/serviceId"));
        Assert.Equal(env["ORLEANS_CLUSTER_ID"], labels.Scalar("orleans/clusterId"));
        Assert.Equal(env["ORLEANS_SERVICE_ID"], env["ClipGrains__Cluster__ServiceId"]);
        Assert.Equal(env["ORLEANS_CLUSTER_ID"], env["ClipGrains__Cluster__ClusterId"]);
        Assert.Equal("deployment.yaml", InfraFiles.Yaml("k8s/kustomization.yaml").Single().At("resources").AllNodes.OfType<YamlScalarNode>().Single(n => n.Value == "deployment.yaml").Value);
        Assert.NotNull(container.At("resources", "requests", "cpu"));

        // The drain must fit the pod's grace period: delay + the longest request + the silo's own stop.
        var shutdownDelay = TimeSpan.Parse(InfraFiles.Yaml("k8s/configmap.yaml").Single().Scalar("data", "ClipGrains__Gateway__ShutdownDelay"), System.Globalization.CultureInfo.InvariantCulture);
        var grace = int.Parse(deployment.Scalar("spec", "template", "spec", "terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(grace >= (shutdownDelay + new GatewayOptions().RequestTimeout).TotalSeconds + 15, $"terminationGracePeriodSeconds {grace} is shorter than the drain");
    }

    [Fact]
    public void Kubernetes_role_grants_what_orleans_hosting_needs_on_pods_only()
    {
        var role = InfraFiles.Yaml("k8s/rbac.yaml").Single(d => d.Scalar("kind") == "Role");
        var rule = (YamlMappingNode)((YamlSequenceNode)role.At("rules")).Single();

        Assert.Equal("[pods]", Flow(rule.At("resources")));
        Assert.Equal("[get, watch, list, delete, patch]", Flow(rule.At("verbs")));
    }

    [Fact]
    public void Every_kubernetes_document_has_a_kind_and_a_name()
    {
        var documents = Directory.GetFiles(InfraFiles.Path("k8s"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal))
            .SelectMany(f => InfraFiles.Yaml(System.IO.Path.Combine("k8s", System.IO.Path.GetFileName(f))))
            .ToArray();

        Assert.Equal(10, documents.Length);
        Assert.All(documents, d => Assert.False(string.IsNullOrEmpty(d.Scalar("metadata", "name")), d.Scalar("kind")));
    }

    [Fact]
    public void The_dashboard_queries_only_metrics_the_server_exports()
    {
        using var document = JsonDocument.Parse(InfraFiles.Text("grafana/dashboards/clipgrains.json"));
        var expressions = document.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToArray();
        var used = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var exported = PrometheusNames();

        Assert.Equal("clipgrains", document.RootElement.GetProperty("uid").GetString());
        Assert.True(used.Count >= 12, string.Join(", ", used));
        var unknown = used.Where(name => !exported.Contains(name)).ToArray();
        Assert.True(unknown.Length == 0, "not exported: " + string.Join(", ", unknown));
        Assert.DoesNotContain(expressions, e => e.Contains("tenant", StringComparison.Ordinal));
    }

    [Fact]
    public void Grafana_provisioning_points_at_the_dashboard_folder_and_prometheus()
    {
        var provider = InfraFiles.Yaml("grafana/provisioning/dashboards/clipgrains.yaml").Single().At("providers")[0];
        var source = InfraFiles.Yaml("grafana/provisioning/datasources/prometheus.yaml").Single().At("datasources")[0];
        var mount = ((YamlSequenceNode)InfraFiles.Yaml("compose.yaml").Single().At("services", "grafana", "volumes")).Select(v => ((YamlScalarNode)v).Value!).Single(v => v.StartsWith("./grafana/dashboards", StringComparison.Ordinal));

        Assert.Equal(provider.Scalar("options", "path"), mount.Split(':')[1]);
        Assert.Equal("prometheus", source.Scalar("uid"));
        Assert.Equal("http://prometheus:9090", source.Scalar("url"));
    }

    [Fact]
    public void Dockerfile_is_multi_stage_runs_as_non_root_and_keeps_models_on_a_volume()
    {
        var lines = DockerfileLines();

        Assert.Equal(2, lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("COPY --from=build", StringComparison.Ordinal));
        Assert.Equal("$APP_UID", DockerfileInstruction("USER"));
        Assert.Equal("/var/lib/clipgrains", DockerfileInstruction("VOLUME"));
        Assert.StartsWith("/var/lib/clipgrains/", DockerfileEnvironment()["ClipGrains__Model__CacheDirectory"], StringComparison.Ordinal);
        Assert.Equal("""["dotnet", "clipgrains.dll", "serve"]""", DockerfileInstruction("ENTRYPOINT"));
    }

    private static YamlMappingNode SiloContainer() =>
        (YamlMappingNode)((YamlSequenceNode)InfraFiles.Yaml("k8s/deployment.yaml").Single().At("spec", "template", "spec", "containers"))[0];

    private static string Value(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value ?? "" : "";

    private static string Flow(YamlNode node) => "[" + string.Join(", ", ((YamlSequenceNode)node).Select(n => ((YamlScalarNode)n).Value)) + "]";

    private static string[] NginxUpstreams() =>
        UpstreamServer().Matches(InfraFiles.Text("nginx/nginx.conf")).Select(m => m.Groups[1].Value).ToArray();

    /// <summary>Dockerfile lines with continuations joined and comments dropped.</summary>
    private static string[] DockerfileLines() =>
        InfraFiles.Text("docker/Dockerfile").Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

    private static string DockerfileInstruction(string instruction) =>
        DockerfileLines().Single(l => l.StartsWith(instruction + " ", StringComparison.Ordinal))[(instruction.Length + 1)..].Trim();

    private static Dictionary<string, string> DockerfileEnvironment() =>
        DockerfileLines().Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    /// <summary>The Prometheus names of the ClipGrains meter's instruments (the exporter's rules: dots to underscores, unit suffix, _total on counters, _bucket/_sum/_count on histograms), plus Orleans' own.</summary>
    private static HashSet<string> PrometheusNames()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new ClipGrainsTelemetry(services.GetRequiredService<IMeterFactory>());
        telemetry.ObserveQueueDepth(() => 0);
        telemetry.ObserveRequestsInFlight(() => 0);
        telemetry.ObserveModelsLoaded(() => []);
        telemetry.ObserveCollections(() => 0, () => 0, () => []);
        var names = new HashSet<string>(StringComparer.Ordinal) { "orleans_grains" };
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name != ClipGrainsTelemetry.Name)
                {
                    return;
                }

                var name = instrument.Name.Replace('.', '_') + instrument.Unit switch { "ms" => "_milliseconds", "s" => "_seconds", "By" => "_bytes", _ => "" };
                var type = instrument.GetType().GetGenericTypeDefinition();
                if (type == typeof(Counter<>))
                {
                    names.Add(name + "_total");
                }
                else if (type == typeof(Histogram<>))
                {
                    names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
                }
                else
                {
                    names.Add(name);
                }
            },
        };
        listener.Start();
        return names;
    }

    [GeneratedRegex(@"\b(?:clipgrains|orleans)_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"server\s+([a-z0-9]+:\d+)")]
    private static partial Regex UpstreamServer();
}
