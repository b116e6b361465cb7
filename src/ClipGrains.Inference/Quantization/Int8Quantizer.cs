using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace ClipGrains.Inference.Quantization;

/// <summary>
/// Rewrites an fp32 ONNX graph so every MatMul (and plain Gemm) with a constant weight runs in int8, in the form
/// ONNX Runtime fuses into its dynamic-quantization kernels (what Python's <c>quantize_dynamic</c> emits):
/// <c>DynamicQuantizeLinear(A) → MatMulInteger(A_u8, W_i8) → Cast(float) → Mul(A_scale · W_scale)</c>.
/// Weights are quantized symmetrically per output channel (column of W, zero point 0), so one large column cannot
/// flatten the others; activations are quantized per tensor at run time (uint8).
/// Weights use 7 bits (−63…63, scale = max|w| / 63): ONNX Runtime's u8×s8 CPU kernels add pairs of products in
/// int16, which saturates past 2 × 255 × 64. With the full int8 range a synthetic 64×48 MatMul was off by up to 32 %
/// of its largest output; with 7 bits by under 2 % (the Python tool's <c>reduce_range</c> exists for the same reason). Everything
/// else (convolutions, attention's activation×activation products, layer norms, embeddings) stays fp32.
/// </summary>
public static class Int8Quantizer
{
    /// <summary>Weights with fewer elements than this stay fp32: quantizing them saves nothing measurable.</summary>
    public const int MinimumWeightElements = 256;

    /// <summary>Reads <paramref name="source"/>, writes the int8 graph to <paramref name="output"/>.</summary>
    public static QuantizationReport Quantize(string source, string output)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(source));
        var (quantized, kept) = Rewrite(model.Graph);
        RequireOpset(model, 11);
        var directory = Path.GetDirectoryName(Path.GetFullPath(output))!;
        Directory.CreateDirectory(directory);
        var partial = output + ".incomplete";
        using (var stream = File.Create(partial))
        {
            model.WriteTo(stream);
        }

        File.Move(partial, output, overwrite: true);
        return new QuantizationReport(source, output, quantized, kept, new FileInfo(source).Length, new FileInfo(output).Length);
    }

    private static (int Quantized, int Kept) Rewrite(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).Where(i => i.Length > 0).GroupBy(i => i, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var dynamicQuantized = new Dictionary<string, (string Value, string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        var rewritten = new List<NodeProto>(graph.Node.Count);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        int quantized = 0, kept = 0;
        foreach (var node in graph.Node)
        {
            var weightName = WeightOf(node, initializers);
            if (weightName is null)
            {
                kept += node.OpType is "MatMul" or "Gemm" ? 1 : 0;
                rewritten.Add(node);
                continue;
            }

            var weight = initializers[weightName];
            var transposed = node.OpType == "Gemm" && Attribute(node, "transB") == 1;
            var (rows, columns) = transposed ? ((int)weight.Dims[1], (int)weight.Dims[0]) : ((int)weight.Dims[0], (int)weight.Dims[1]);
            if ((long)rows * columns < MinimumWeightElements)
            {
                kept++;
                rewritten.Add(node);
                continue;
            }

            var prefix = $"{node.Name}_{quantized}_q";
            var (values, scales) = QuantizePerColumn(Floats(weight), rows, columns, transposed);
            graph.Initializer.Add(Int8Tensor(prefix + "_W", values, rows, columns));
            graph.Initializer.Add(FloatTensor(prefix + "_W_scale", scales));

            var input = node.Input[0];
            if (!dynamicQuantized.TryGetValue(input, out var activation))
            {
                activation = ($"{input}_q_u8", $"{input}_q_scale", $"{input}_q_zero");
                rewritten.Add(NewNode("DynamicQuantizeLinear", $"{input}_DynamicQuantizeLinear", [input], [activation.Value, activation.Scale, activation.ZeroPoint]));
                dynamicQuantized[input] = activation;
            }

            var product = node.OpType == "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0 ? prefix + "_product" : node.Output[0];
            rewritten.Add(NewNode("MatMulInteger", prefix + "_MatMulInteger", [activation.Value, prefix + "_W", activation.ZeroPoint], [prefix + "_int32"]));
            rewritten.Add(NewNode("Cast", prefix + "_Cast", [prefix + "_int32"], [prefix + "_float"], new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float }));
            rewritten.Add(NewNode("Mul", prefix + "_Scale", [activation.Scale, prefix + "_W_scale"], [prefix + "_scale"]));
            rewritten.Add(NewNode("Mul", prefix + "_Rescale", [prefix + "_float", prefix + "_scale"], [product]));
            if (product != node.Output[0])
            {
                // Gemm's bias (beta = 1 checked in WeightOf) is added after the rescale.
                rewritten.Add(NewNode("Add", prefix + "_Bias", [product, node.Input[2]], [node.Output[0]]));
            }

            if (--uses[weightName] == 0)
            {
                removed.Add(weightName);
            }

            quantized++;
        }

        graph.Node.Clear();
        graph.Node.AddRange(rewritten);
        foreach (var name in removed)
        {
            graph.Initializer.Remove(initializers[name]);
            var declared = graph.Input.FirstOrDefault(i => i.Name == name);
            if (declared is not null)
            {
                graph.Input.Remove(declared);
            }
        }

        return (quantized, kept);
    }

    /// <summary>The constant 2-D fp32 weight of a MatMul (second operand) or a plain Gemm (alpha 1, beta 1, no transA); else null.</summary>
    private static string? WeightOf(NodeProto node, Dictionary<string, TensorProto> initializers)
    {
        if (node.OpType is not ("MatMul" or "Gemm") || node.Input.Count < 2 || !initializers.TryGetValue(node.Input[1], out var weight))
        {
            return null;
        }

        if (weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count != 2 || weight.DataLocation == TensorProto.Types.DataLocation.External)
        {
            return null;
        }

        if (node.OpType == "Gemm" && (Attribute(node, "transA") != 0 || FloatAttribute(node, "alpha", 1f) != 1f || FloatAttribute(node, "beta", 1f) != 1f))
        {
            return null;
        }

        return weight.Name;
    }

    /// <summary>Symmetric per-column 7-bit: returns W_q as [rows, columns] row-major and one scale per column.</summary>
    private static (sbyte[] Values, float[] Scales) QuantizePerColumn(float[] weight, int rows, int columns, bool transposed)
    {
        float At(int r, int c) => transposed ? weight[(c * rows) + r] : weight[(r * columns) + c];
        var scales = new float[columns];
        for (var c = 0; c < columns; c++)
        {
            var max = 0f;
            for (var r = 0; r < rows; r++)
            {
                max = Math.Max(max, Math.Abs(At(r, c)));
            }

            scales[c] = max > 0 ? max / 63f : 1f;
        }

        var values = new sbyte[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                values[(r * columns) + c] = (sbyte)Math.Clamp(MathF.Round(At(r, c) / scales[c], MidpointRounding.ToEven), -63f, 63f);
            }
        }

        return (values, scales);
    }

    private static float[] Floats(TensorProto tensor)
    {
        if (tensor.FloatData.Count > 0)
        {
            return [.. tensor.FloatData];
        }

        var raw = tensor.RawData.Span;
        var values = new float[raw.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4));
        }

        return values;
    }

    private static TensorProto Int8Tensor(string name, sbyte[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int8, RawData = ByteString.CopyFrom((byte[])(Array)values) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static TensorProto FloatTensor(string name, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.Add(values.Length);
        return tensor;
    }

    private static NodeProto NewNode(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static long Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? 0;

    private static float FloatAttribute(NodeProto node, string name, float fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.F ?? fallback;

    /// <summary>DynamicQuantizeLinear needs opset 11 (MatMulInteger 10); raising an older import would change other ops' meaning.</summary>
    private static void RequireOpset(ModelProto model, long minimum)
    {
        var version = model.OpsetImport.FirstOrDefault(o => string.IsNullOrEmpty(o.Domain))?.Version ?? 0;
        if (version < minimum)
        {
            throw new InvalidDataException($"The graph imports ONNX opset {version}; int8 quantization needs {minimum} or later. Re-export the model with a newer opset.");
        }
    }
}
