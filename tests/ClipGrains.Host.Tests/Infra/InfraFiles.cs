using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ClipGrains.Host.Tests.Infra;

/// <summary>Reads the deployment files under <c>infra/</c> of the repository these tests were built from.</summary>
internal static class InfraFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, "infra", relative);

    public static string Text(string relative) => File.ReadAllText(Path(relative));

    /// <summary>Every document of a YAML file with merge keys (<c>&lt;&lt;: *anchor</c>) applied, as Compose reads it; a parse error fails the test.</summary>
    public static IReadOnlyList<YamlMappingNode> Yaml(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(Text(relative));
        stream.Load(new MergingParser(new Parser(reader)));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToArray();
    }

    public static YamlNode At(this YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child)
                ? child
                : throw new KeyNotFoundException($"'{key}' missing on the way to {string.Join('.', path)}");
        }

        return node;
    }

    public static string Scalar(this YamlNode node, params string[] path) => ((YamlScalarNode)node.At(path)).Value!;

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode node) =>
        ((YamlMappingNode)node).Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value));

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "ClipGrains.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ClipGrains.sln not found above the test output.");
    }
}
