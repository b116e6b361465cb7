using ClipGrains.Inference.Model;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ClipGrains.Inference.Onnx;

/// <summary>Checks a session's inputs and outputs against what an encoder feeds and reads, at load time.</summary>
internal static class GraphContract
{
    public static NodeMetadata Input(InferenceSession session, string path, string name, int rank, params TensorElementType[] types) =>
        Check(session.InputMetadata, path, "input", name, rank, types);

    public static NodeMetadata Output(InferenceSession session, string path, string name, int rank, params TensorElementType[] types) =>
        Check(session.OutputMetadata, path, "output", name, rank, types);

    /// <summary>Fails unless dimension <paramref name="axis"/> is dynamic or equals <paramref name="expected"/>.</summary>
    public static void Dimension(NodeMetadata node, string path, string name, int axis, int expected, string meaning)
    {
        var actual = node.Dimensions[axis];
        if (actual > 0 && actual != expected)
        {
            throw new ModelLoadException(path, $"{name} dimension {axis} ({meaning}) is {actual}; the model bundle says {expected}.");
        }
    }

    private static NodeMetadata Check(
        IReadOnlyDictionary<string, NodeMetadata> nodes, string path, string kind, string name, int rank, TensorElementType[] types)
    {
        if (!nodes.TryGetValue(name, out var node))
        {
            throw new ModelLoadException(path, $"expected an {kind} named \"{name}\"; the graph has {Describe(nodes)}.");
        }

        if (!node.IsTensor || Array.IndexOf(types, node.ElementDataType) < 0)
        {
            throw new ModelLoadException(path, $"{kind} \"{name}\" is {node.ElementDataType}; expected {string.Join(" or ", types)}.");
        }

        if (node.Dimensions.Length != rank)
        {
            throw new ModelLoadException(path, $"{kind} \"{name}\" has rank {node.Dimensions.Length}; expected {rank}.");
        }

        return node;
    }

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Count == 0 ? "none" : string.Join(", ", nodes.Select(n => $"\"{n.Key}\" [{string.Join(",", n.Value.Dimensions)}]"));
}
