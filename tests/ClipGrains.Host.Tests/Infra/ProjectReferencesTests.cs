using System.Xml.Linq;
using ClipGrains.Gateway;

namespace ClipGrains.Host.Tests.Infra;

/// <summary>
/// The layering, read from the project files and the built assemblies: the gateway compiles against contracts
/// (Abstractions) and the dependency-free scoring library only, so adding a model or changing how silos serve one never
/// touches the HTTP layer, and the gateway never loads ONNX Runtime or an image codec. Only the host wires them together.
/// </summary>
public sealed class ProjectReferencesTests
{
    [Fact]
    public void Gateway_project_references_only_the_contracts_and_the_scoring_library()
    {
        Assert.Equal(["ClipGrains.Abstractions", "ClipGrains.Scoring"], ProjectReferences("src/ClipGrains.Gateway/ClipGrains.Gateway.csproj"));
    }

    [Fact]
    public void Gateway_assembly_does_not_load_the_grains_implementation_the_inference_stack_or_codecs()
    {
        var referenced = typeof(GatewayOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.Contains("ClipGrains.Abstractions", referenced);
        Assert.Contains("ClipGrains.Scoring", referenced);
        Assert.DoesNotContain("ClipGrains.Grains", referenced);
        Assert.DoesNotContain("ClipGrains.Inference", referenced);
        Assert.DoesNotContain(referenced, name => name!.StartsWith("Orleans.Runtime", StringComparison.Ordinal) || name == "Orleans.Server");
        Assert.DoesNotContain(referenced, name => name!.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal) || name!.StartsWith("SkiaSharp", StringComparison.Ordinal));
    }

    [Fact]
    public void Abstractions_and_scoring_depend_on_no_other_project_and_inference_only_on_scoring()
    {
        Assert.Empty(ProjectReferences("src/ClipGrains.Abstractions/ClipGrains.Abstractions.csproj"));
        Assert.Empty(ProjectReferences("src/ClipGrains.Scoring/ClipGrains.Scoring.csproj"));
        Assert.Equal(["ClipGrains.Scoring"], ProjectReferences("src/ClipGrains.Inference/ClipGrains.Inference.csproj"));
    }

    [Fact]
    public void Scoring_assembly_references_nothing_but_the_runtime()
    {
        var referenced = typeof(ClipGrains.Scoring.ZeroShot).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.All(referenced, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard", name));
    }

    private static List<string> ProjectReferences(string project) =>
        [.. XDocument.Load(Path.Combine(InfraFiles.Root, project)).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order(StringComparer.Ordinal)];
}
