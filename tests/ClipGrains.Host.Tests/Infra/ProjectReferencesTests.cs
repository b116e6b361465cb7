using System.Xml.Linq;
using ClipGrains.Gateway;

namespace ClipGrains.Host.Tests.Infra;

/// <summary>
/// The layering the issue asks for, read from the project files and the built assemblies: the gateway compiles against
/// contracts (Abstractions) and the pure inference library only, so adding a model or changing how silos serve one never
/// touches the HTTP layer. Only the host wires the two together.
/// </summary>
public sealed class ProjectReferencesTests
{
    [Fact]
    public void Gateway_project_references_only_the_contracts_and_the_inference_library()
    {
        Assert.Equal(["ClipGrains.Abstractions", "ClipGrains.Inference"], ProjectReferences("src/ClipGrains.Gateway/ClipGrains.Gateway.csproj"));
    }

    [Fact]
    public void Gateway_assembly_does_not_load_the_grains_implementation()
    {
        var referenced = typeof(GatewayOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.Contains("ClipGrains.Abstractions", referenced);
        Assert.DoesNotContain("ClipGrains.Grains", referenced);
        Assert.DoesNotContain(referenced, name => name!.StartsWith("Orleans.Runtime", StringComparison.Ordinal) || name == "Orleans.Server");
    }

    [Fact]
    public void Abstractions_and_inference_depend_on_no_other_project()
    {
        Assert.Empty(ProjectReferences("src/ClipGrains.Abstractions/ClipGrains.Abstractions.csproj"));
        Assert.Empty(ProjectReferences("src/ClipGrains.Inference/ClipGrains.Inference.csproj"));
    }

    private static List<string> ProjectReferences(string project) =>
        [.. XDocument.Load(Path.Combine(InfraFiles.Root, project)).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order(StringComparer.Ordinal)];
}
